/**
 * The dashboard's one door to the server: the tenant REST API (design.md,
 * "The agreed API contract"), called with the tenant's API key as a bearer.
 * Every failure becomes a `DashboardError` whose message is a sentence for
 * the site owner, so no component has to interpret statuses itself.
 */
import type { Chat } from '../protocol/messages.ts';

/** The usage figures, in the order the dashboard shows them. */
export const METRICS = ['pubSubMessageCount', 'pubSubBandwidth', 'conversationCreateCount', 'commentCount', 'peakConnections'] as const;
export type Metric = (typeof METRICS)[number];
export type Counts = Record<Metric, number>;
export type Granularity = 'hour' | 'day';

export interface UsagePoint extends Counts {
  /** ISO 8601, the bucket's first instant (UTC). */
  readonly start: string;
}

export interface Usage {
  readonly tenant: string;
  readonly from: string;
  readonly to: string;
  readonly granularity: Granularity;
  readonly totals: Counts;
  readonly series: readonly UsagePoint[];
  /** Open now, over every node. */
  readonly connections: number;
  /** Conversations the tenant holds now. */
  readonly conversations: number;
}

export interface ImageActivity extends Omit<Counts, 'peakConnections'> {
  readonly image: string;
  /** Conversations the image holds now. */
  readonly conversations: number;
}

export interface RecentChat {
  readonly image: string;
  /** The page the conversation was started on, when the widget said. */
  readonly page: string | null;
  readonly lastActivity: string;
  readonly chat: Chat;
}

/** What went wrong, for the caller's decisions: a refused key signs out, a network failure does not. */
export type ErrorKind = 'missing-key' | 'wrong-key' | 'no-tenant' | 'not-found' | 'network' | 'refused';

export class DashboardError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** The server's own sentence, when it sent one (shown as detail). */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'DashboardError';
  }

  /** The key (or the tenant) is not good: nothing of the tenant may stay on screen. */
  get signsOut(): boolean {
    return this.kind === 'missing-key' || this.kind === 'wrong-key' || this.kind === 'no-tenant';
  }
}

export interface Credentials {
  readonly tenant: string;
  readonly key: string;
}

export interface Range {
  /** Epoch ms, included. */
  readonly from: number;
  /** Epoch ms, excluded. */
  readonly to: number;
  readonly granularity: Granularity;
}

/** Which thing a 404 is about: the tenant itself, or something inside it that is gone. */
type Subject = 'tenant' | 'conversation' | 'comment' | 'image';

export class DashboardApi {
  constructor(
    /** The server's origin, e.g. `https://chat.example.com`. */
    readonly server: string,
    readonly credentials: Credentials,
  ) {}

  get tenant(): string {
    return this.credentials.tenant;
  }

  usage(range: Range, signal?: AbortSignal): Promise<Usage> {
    return this.json<Usage>(`usage?${rangeQuery(range, true)}`, 'tenant', signal);
  }

  /** Connections and conversations now: the cheapest usage question (one bucket, the current hour). */
  now(now: number, signal?: AbortSignal): Promise<Usage> {
    const hour = Math.floor(now / HOUR) * HOUR;
    return this.usage({ from: hour, to: hour + HOUR, granularity: 'hour' }, signal);
  }

  async usageCsv(range: Range): Promise<string> {
    const res = await this.call(`usage?${rangeQuery(range, true)}`, 'tenant', { headers: { accept: 'text/csv' } });
    return res.text();
  }

  async topImages(range: Range, limit = 10, signal?: AbortSignal): Promise<ImageActivity[]> {
    const body = await this.json<{ images: ImageActivity[] }>(`images?sort=activity&${rangeQuery(range, false)}&limit=${limit}`, 'tenant', signal);
    return body.images;
  }

  async recentChats(limit = 20, signal?: AbortSignal): Promise<RecentChat[]> {
    const body = await this.json<{ chats: RecentChat[] }>(`chats?sort=recent&limit=${limit}`, 'tenant', signal);
    return body.chats;
  }

  async deleteChat(image: string, chatId: string): Promise<void> {
    await this.call(`images/${enc(image)}/chats/${enc(chatId)}`, 'conversation', { method: 'DELETE' });
  }

  async deleteComment(image: string, chatId: string, commentId: string): Promise<void> {
    await this.call(`images/${enc(image)}/chats/${enc(chatId)}/comments/${enc(commentId)}`, 'comment', { method: 'DELETE' });
  }

  /** The image's conversations as W3C Web Annotations (a plain link works where guests may read). */
  annotationsUrl(image: string): string {
    return this.url(`images/${enc(image)}/annotations`);
  }

  async annotations(image: string): Promise<Blob> {
    const res = await this.call(`images/${enc(image)}/annotations`, 'image', {});
    return res.blob();
  }

  private url(path: string): string {
    return `${this.server}/api/v1/tenants/${enc(this.tenant)}/${path}`;
  }

  private async json<T>(path: string, subject: Subject, signal?: AbortSignal): Promise<T> {
    const res = await this.call(path, subject, signal ? { signal } : {});
    return (await res.json()) as T;
  }

  private async call(path: string, subject: Subject, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.url(path), {
        ...init,
        headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.credentials.key}` },
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new DashboardError('network', 'The server could not be reached. Check the connection and try again.');
    }
    if (res.ok) return res;
    throw await refusal(res, this.tenant, subject);
  }
}

const HOUR = 3_600_000;

function enc(s: string): string {
  return encodeURIComponent(s);
}

function rangeQuery(range: Range, withGranularity: boolean): string {
  const q = `from=${new Date(range.from).toISOString()}&to=${new Date(range.to).toISOString()}`;
  return withGranularity ? `${q}&granularity=${range.granularity}` : q;
}

async function refusal(res: Response, tenant: string, subject: Subject): Promise<DashboardError> {
  let detail: string | undefined;
  try {
    detail = ((await res.json()) as { error?: { message?: string } }).error?.message;
  } catch {
    detail = undefined;
  }
  switch (res.status) {
    case 401:
      return new DashboardError('missing-key', `Tenant "${tenant}" needs its API key.`, detail);
    case 403:
      return new DashboardError('wrong-key', `The key was refused: it is not the API key of tenant "${tenant}".`, detail);
    case 404:
      if (subject === 'tenant') return new DashboardError('no-tenant', `There is no tenant "${tenant}" on this server.`, detail);
      return new DashboardError('not-found', `That ${subject} no longer exists: someone may have deleted it already.`, detail);
    case 429:
      return new DashboardError('refused', 'Too many requests: wait a moment and try again.', detail);
    case 503:
      return new DashboardError('refused', 'The server is busy or its database is unavailable: try again shortly.', detail);
    default:
      return new DashboardError('refused', `The server refused the request (${res.status})${detail ? `: ${detail}` : '.'}`);
  }
}

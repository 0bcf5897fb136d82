/**
 * Usage over time (design.md usage API): counted in memory per tenant, image and UTC hour,
 * added to the store every `flushMs` and at shutdown, so a `kill -9` loses at most this
 * node's last flush interval of counts.
 *
 * The counting methods run on the hot path (`sent` once per frame written): a clock read,
 * two map lookups and a few additions. A flush takes what was counted and sends it as one
 * batch; a batch the store did not confirm is sent again as it was (same writer and seq:
 * the store takes a batch once), and what was counted meanwhile waits for the next batch.
 * Reads flush first, in the same queue as the timer's flushes, so an answer holds every
 * count made before it on this node and nothing is read twice; ranking the top images
 * exactly needs the whole picture in the store in any case.
 */
import { randomUUID } from 'node:crypto';
import type { ChatEvent } from '../protocol/messages.ts';
import type { ImageActivity, Store, UsageBatch, UsageRow } from '../store/store.ts';
import type { Clock } from './clock.ts';
import type { SharedCounters } from './counters.ts';
import { DAY_MS, HOUR_MS, bucketSeries } from './usage-series.ts';
import type { Granularity, UsageRange, UsageSeries } from './usage-series.ts';

export const DEFAULT_USAGE_FLUSH_MS = 5000;
export const DEFAULT_USAGE_RETENTION_DAYS = 400;

export interface UsageOptions {
  /** How often counts are added to the store (default 5000 ms): the most a `kill -9` loses. */
  flushMs?: number;
  /** Hours older than this many days are removed from the store, at most once an hour (default 400). */
  retentionDays?: number;
  /** false counts nothing (the bench's baseline for what counting costs); reads still answer from the store. */
  counting?: boolean;
}

/** A message as the session writes it: its bytes, and the image it is about when it has one. */
export interface OutgoingMessage {
  readonly bytes: number;
  readonly image?: string | undefined;
}

export interface UsageDependencies {
  store: Store;
  clock: Clock;
  /** The cluster's connection count of a tenant (the peak of each hour). */
  counters: Pick<SharedCounters, 'tenantConnections'>;
  /** This node's sessions: the tenants whose connections are looked at on each flush. */
  sessions: Iterable<{ readonly tenant: string }>;
  log: (message: string, error?: unknown) => void;
}

class Tally {
  messages = 0;
  bytes = 0;
  creates = 0;
  comments = 0;
  peak = 0;
}

class TenantTally extends Tally {
  readonly images = new Map<string, Tally>();

  image(id: string): Tally {
    let t = this.images.get(id);
    if (!t) this.images.set(id, (t = new Tally()));
    return t;
  }
}

export class UsageRecorder {
  /** This recorder's name in the store's record of batches taken. */
  readonly writer = randomUUID();
  private readonly flushMs: number;
  private readonly retentionMs: number;
  private readonly counting: boolean;
  /** Counts not yet in a batch: hour start → tenant → tally. */
  private hours = new Map<number, Map<string, TenantTally>>();
  /** The hour being counted into, cached for the hot path. */
  private current: Map<string, TenantTally> | undefined;
  private hourStart = 0;
  private hourEnd = -Infinity;
  private seq = 0;
  /** A batch sent but not confirmed: sent again, unchanged, before anything newer. */
  private unconfirmed: UsageBatch | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: unknown;
  private prunedAt = -Infinity;
  private closed = false;
  /** The highest connection count recorded per tenant in `peakHour`: a count no higher is no news. */
  private readonly peaks = new Map<string, number>();
  private peakHour = -1;

  constructor(
    private readonly deps: UsageDependencies,
    options: UsageOptions = {},
  ) {
    this.flushMs = Math.max(1, options.flushMs ?? DEFAULT_USAGE_FLUSH_MS);
    this.retentionMs = Math.max(1, options.retentionDays ?? DEFAULT_USAGE_RETENTION_DAYS) * DAY_MS;
    this.counting = options.counting ?? true;
    if (this.counting) this.arm();
  }

  /** Frame `messages[start..end)` was written to a socket of `tenant`: `frameBytes` in all. */
  sent(tenant: string, messages: readonly OutgoingMessage[], start: number, end: number, frameBytes: number): void {
    if (!this.counting) return;
    const t = this.tenant(tenant);
    t.messages += end - start;
    t.bytes += frameBytes;
    for (let i = start; i < end; i++) {
      const { image, bytes } = messages[i]!;
      if (image === undefined) continue;
      const tally = t.image(image);
      tally.messages++;
      tally.bytes += bytes;
    }
  }

  /** An event was stored (a duplicate is not: it was counted the first time). */
  stored(tenant: string, image: string, event: ChatEvent): void {
    if (!this.counting) return;
    const { created, commented } = whatEventAdds(event);
    if (!commented) return;
    const t = this.tenant(tenant);
    const i = t.image(image);
    if (created) {
      t.creates++;
      i.creates++;
    }
    t.comments++;
    i.comments++;
  }

  /** The tenant holds `clusterConnections` connections now (over every node). */
  connections(tenant: string, clusterConnections: number): void {
    if (!this.counting) return;
    const hour = Math.floor(this.deps.clock.now() / HOUR_MS) * HOUR_MS;
    if (hour !== this.peakHour) {
      this.peaks.clear();
      this.peakHour = hour;
    }
    // Idle connections must not cost a store write every flush: only a new high is counted.
    if (clusterConnections <= (this.peaks.get(tenant) ?? 0)) return;
    this.peaks.set(tenant, clusterConnections);
    const t = this.tenant(tenant);
    t.peak = Math.max(t.peak, clusterConnections);
  }

  /** Adds what was counted to the store (queued behind any flush under way); rejects when the store refuses. */
  flush(): Promise<void> {
    return this.queued(() => this.flushNow());
  }

  /** The tenant's usage over `range` in buckets, this node's latest counts included. */
  async series(tenant: string, range: UsageRange, granularity: Granularity): Promise<UsageSeries> {
    await this.flushForRead();
    return bucketSeries(await this.deps.store.usageSeries(tenant, range.from, range.to), range, granularity);
  }

  /** The most active images over `range`, this node's latest counts included. */
  async images(tenant: string, range: UsageRange, limit: number): Promise<ImageActivity[]> {
    await this.flushForRead();
    return this.deps.store.imageActivity(tenant, range.from, range.to, limit);
  }

  /** Stops the timer and adds the last counts (call once no session can count any more). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.deps.clock.clearTimeout(this.timer);
    if (!this.counting) return;
    await this.flush().catch((e: unknown) => this.deps.log('the last usage counts could not be saved at shutdown', e));
  }

  // ------------------------------------------------------------ internals

  private tenant(tenant: string): TenantTally {
    const now = this.deps.clock.now();
    if (now >= this.hourEnd || now < this.hourStart || !this.current) this.enterHour(now);
    let t = this.current!.get(tenant);
    if (!t) this.current!.set(tenant, (t = new TenantTally()));
    return t;
  }

  private enterHour(now: number): void {
    this.hourStart = Math.floor(now / HOUR_MS) * HOUR_MS;
    this.hourEnd = this.hourStart + HOUR_MS;
    let current = this.hours.get(this.hourStart);
    if (!current) this.hours.set(this.hourStart, (current = new Map()));
    this.current = current;
  }

  /** A read counts on the store: when a flush fails, it answers with what the store holds (and says so in the log). */
  private async flushForRead(): Promise<void> {
    if (this.counting) await this.flush().catch((e: unknown) => this.deps.log('usage counts could not be saved before a read; will retry', e));
  }

  private queued<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async flushNow(): Promise<void> {
    await this.lookAtConnections();
    if (this.unconfirmed) {
      await this.deps.store.addUsage(this.unconfirmed);
      this.unconfirmed = undefined;
    }
    const rows = this.take();
    if (rows.length === 0) return;
    this.unconfirmed = { writer: this.writer, seq: ++this.seq, rows };
    await this.deps.store.addUsage(this.unconfirmed);
    this.unconfirmed = undefined;
  }

  /** Long-lived connections count in every hour they stay open: each flush records the tenants' counts now. */
  private async lookAtConnections(): Promise<void> {
    const tenants = new Set<string>();
    for (const session of this.deps.sessions) tenants.add(session.tenant);
    const counts = await Promise.all([...tenants].map((t) => this.deps.counters.tenantConnections(t)));
    [...tenants].forEach((t, i) => this.connections(t, counts[i]!));
  }

  /** Everything counted so far as store rows (the tenant row and one per image), leaving nothing behind. */
  private take(): UsageRow[] {
    const hours = this.hours;
    this.hours = new Map();
    this.current = undefined;
    const rows: UsageRow[] = [];
    for (const [hour, tenants] of hours) {
      for (const [tenant, t] of tenants) {
        rows.push(row(tenant, '', hour, t));
        for (const [image, i] of t.images) rows.push(row(tenant, image, hour, i));
      }
    }
    return rows;
  }

  private arm(): void {
    this.timer = this.deps.clock.setTimeout(() => this.tick(), this.flushMs);
    // A timer of its own must not keep the process alive (the owner closes the recorder).
    (this.timer as { unref?: () => void } | undefined)?.unref?.();
  }

  private tick(): void {
    if (this.closed) return;
    this.arm();
    this.flush().catch((e: unknown) => this.deps.log('usage counts could not be saved; will retry', e));
    const now = this.deps.clock.now();
    if (now - this.prunedAt < HOUR_MS) return;
    this.prunedAt = now;
    const before = Math.floor((now - this.retentionMs) / HOUR_MS) * HOUR_MS;
    this.queued(() => this.deps.store.pruneUsage(before)).catch((e: unknown) => this.deps.log('old usage could not be removed', e));
  }
}

function row(tenant: string, image: string, hour: number, t: Tally): UsageRow {
  return {
    tenant,
    image,
    hour,
    pubSubMessageCount: t.messages,
    pubSubBandwidth: t.bytes,
    conversationCreateCount: t.creates,
    commentCount: t.comments,
    peakConnections: t.peak,
  };
}

/** What a stored event adds to the counts. The opening comment counts as a comment: N creates and M replies are N + M comments. */
export function whatEventAdds(event: ChatEvent): { created: boolean; commented: boolean } {
  const created = event.type === 'new-image-chat';
  return { created, commented: created || (event.type === 'image-chat-updated' && event.change.kind === 'add-comment') };
}

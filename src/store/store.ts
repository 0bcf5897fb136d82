/**
 * The storage contract, async for a networked database. Both implementations
 * (sqlite/, postgres/) must pass conformance/conformance.ts.
 */
import type { ActionMessage, Chat, ChatEvent, ErrorCode, ErrorFacts, SeqPosition, User } from '../protocol/messages.ts';

export interface Snapshot {
  readonly epoch: string;
  readonly seq: number;
  readonly chats: Chat[];
}

/**
 * One page of a snapshot. Every page of one read carries the same `epoch` and
 * `seq` (the pages come from one consistent view); `more` is false on the last.
 */
export interface SnapshotPage {
  readonly epoch: string;
  readonly seq: number;
  readonly chats: Chat[];
  readonly more: boolean;
}

export interface SnapshotPageOptions {
  /**
   * Roughly how many comments a page holds (default 1000). A conversation is
   * never split across pages, so one page may hold more when a single
   * conversation does.
   */
  readonly commentsPerPage?: number;
}

export interface Applied {
  /** The stored event, as broadcast to every subscriber of the image. */
  readonly event: ChatEvent;
  /**
   * True when the broadcastId had already been stored for this actor: nothing
   * new was written, `event` is the original. The caller acks but must not
   * broadcast again, or subscribers would see the same seq twice.
   */
  readonly duplicate: boolean;
}

/** A conversation as the tenant's admin API lists it: where it is, where it was started, when it last moved. */
export interface RecentChat {
  readonly image: string;
  /** The page it was started on (`create-image-chat.page`), or null when the client sent none. */
  readonly page: string | null;
  /** When its newest comment was posted (ms since the epoch): its opening one, or the last reply. */
  readonly lastActivity: number;
  /** The conversation as on the wire, every comment in order. */
  readonly chat: Chat;
}

/** Events kept per image for replay by default (see StoreOptions.logKeep). */
export const DEFAULT_LOG_KEEP = 10_000;

export interface StoreOptions {
  /**
   * Events kept per image: older ones are trimmed in the transaction that
   * stores a new one. A client further behind gets a snapshot. Trimmed events
   * also stop guarding their broadcastId against a (very) late retry.
   */
  readonly logKeep?: number;
}

/** Per-tenant bounds the store checks inside the same transaction as the write. */
export interface ApplyLimits {
  /** A create on an image that already holds this many conversations is refused with `too-large`. */
  readonly maxChatsPerImage?: number;
  /** A reply to a conversation that already holds this many comments (its opening one included) is refused with `too-large`. */
  readonly maxCommentsPerChat?: number;
}

/** The usage counters design.md's usage API reports, per tenant (and per image) per UTC hour. */
export interface UsageCounts {
  /** Messages sent to clients (each message of a batched frame counts). */
  readonly pubSubMessageCount: number;
  /** Bytes of frames sent to clients. */
  readonly pubSubBandwidth: number;
  readonly conversationCreateCount: number;
  /** Comments posted, a conversation's opening comment included. */
  readonly commentCount: number;
  /** The most connections the tenant held at once over the cluster (0 on image rows). */
  readonly peakConnections: number;
}

export const NO_USAGE: UsageCounts = { pubSubMessageCount: 0, pubSubBandwidth: 0, conversationCreateCount: 0, commentCount: 0, peakConnections: 0 };

/** Two spans' counts as one: the counters add up, the peak is the larger. */
export function combineUsage(a: UsageCounts, b: UsageCounts): UsageCounts {
  return {
    pubSubMessageCount: a.pubSubMessageCount + b.pubSubMessageCount,
    pubSubBandwidth: a.pubSubBandwidth + b.pubSubBandwidth,
    conversationCreateCount: a.conversationCreateCount + b.conversationCreateCount,
    commentCount: a.commentCount + b.commentCount,
    peakConnections: Math.max(a.peakConnections, b.peakConnections),
  };
}

/** One hour's counts: `image` '' is the tenant-wide row, which holds everything. */
export interface UsageRow extends UsageCounts {
  readonly tenant: string;
  readonly image: string;
  /** Start of the UTC hour, ms since the epoch. */
  readonly hour: number;
}

/**
 * One flush of a writer (a node's usage recorder): `seq` rises by one per batch, and a
 * batch whose commit was not confirmed is sent again with the same seq.
 */
export interface UsageBatch {
  readonly writer: string;
  readonly seq: number;
  readonly rows: readonly UsageRow[];
}

export interface UsageHour extends UsageCounts {
  readonly hour: number;
}

/** An image's usage over a range, and the conversations it holds now. */
export interface ImageActivity {
  readonly image: string;
  readonly conversations: number;
  readonly pubSubMessageCount: number;
  readonly pubSubBandwidth: number;
  readonly conversationCreateCount: number;
  readonly commentCount: number;
}

export interface Store {
  /** Human description for logs, e.g. `sqlite ./data/image-chat.sqlite`. */
  readonly description: string;
  /**
   * The image's current conversations. An image with no history is seq 0 and
   * nothing is written; its epoch is still stable (the same on every read, and
   * kept by its first stored event), so a client that saw it empty can replay.
   */
  snapshot(tenant: string, image: string): Promise<Snapshot>;
  /**
   * The same picture as `snapshot`, handed over a page at a time from one
   * consistent read, yielding to the event loop between pages, so a large
   * image never stalls the process. Always at least one page.
   */
  snapshotPages(tenant: string, image: string, options?: SnapshotPageOptions): AsyncIterable<SnapshotPage>;
  /**
   * The stored events after `since`, in seq order, read in one consistent view:
   * `[]` when `since` is the current position; null when they cannot be given
   * exactly (another epoch, a seq beyond the image's, or a gap older than the
   * kept log), or when more than `max` events were missed (then a snapshot
   * is the smaller answer): the caller then sends a snapshot.
   */
  eventsSince(tenant: string, image: string, since: SeqPosition, max?: number): Promise<ChatEvent[] | null>;
  /**
   * Where the image's history stands: its epoch and the seq of its last stored
   * event (0 and the stable empty epoch, as `snapshot` gives, when it has none).
   * One cheap read: each node calls it every few seconds for every image it serves.
   */
  head(tenant: string, image: string): Promise<SeqPosition>;
  /**
   * Validates existence and permission, writes the change, assigns the image's
   * next seq and appends the event: all or nothing. Throws StoreError. Every
   * store runs the one set of rules, core/apply.ts, in one of its transactions.
   */
  apply(tenant: string, image: string, action: ActionMessage, actor: User, limits?: ApplyLimits): Promise<Applied>;
  /**
   * The tenant's conversations over all its images, newest `lastActivity`
   * first (ties: the later stored first), at most `limit`, read in one
   * consistent view through an index on (tenant, last activity).
   */
  recentChats(tenant: string, limit: number): Promise<RecentChat[]>;
  /** How many conversations the tenant holds over all its images (the usage API). */
  conversationCount(tenant: string): Promise<number>;
  /**
   * Adds a batch of hourly counts in one transaction: counters add up, peakConnections keeps
   * the larger, so nodes may add to the same rows at once. A batch whose seq is not above the
   * last one taken from its writer was taken already: nothing is added, and false is returned.
   */
  addUsage(batch: UsageBatch): Promise<boolean>;
  /** The tenant-wide rows of hours in [fromMs, toMs), ascending (hours with no row are absent). */
  usageSeries(tenant: string, fromMs: number, toMs: number): Promise<UsageHour[]>;
  /**
   * The `limit` images with the most conversationCreateCount + commentCount over the hours in
   * [fromMs, toMs), then the most pubSubMessageCount, then by image id (code point order).
   */
  imageActivity(tenant: string, fromMs: number, toMs: number, limit: number): Promise<ImageActivity[]>;
  /** Removes the usage of hours before `beforeMs` (and writers silent since); returns the rows removed. */
  pruneUsage(beforeMs: number): Promise<number>;
  /** A random secret persisted under `name`, created on first use, the same ever after. */
  secret(name: string): Promise<string>;
  close(): Promise<void>;
}

/** The facts of a refusal beside its code: which refusal it is and its numbers. */
export type RefusalFacts = Omit<ErrorFacts, 'code'>;

/**
 * A refusal the client should see as `error {code, message, reason?, retryAfter?, limit?}`;
 * anything else thrown is a fault.
 */
export class StoreError extends Error {
  readonly code: ErrorCode;
  readonly facts: RefusalFacts;
  constructor(code: ErrorCode, message: string, facts: RefusalFacts = {}) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
    this.facts = facts;
  }
}

/**
 * Where the time goes between a client and its answers (docs/operations.md): action latency,
 * fan-out delay, messages per frame, and what a subscribe was answered with. Session and core
 * call these through one-line hooks; the clock of a message starts when its frame arrives (an
 * action) or when its event was committed (a broadcast), travels with the message through the
 * outbox, and stops when the frame holding it is handed to the socket (`written`).
 */
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ActionMessage, ChatEvent } from '../protocol/messages.ts';
import { HotHistogram } from './hot-histogram.ts';

/** A message whose delay is measured: when its clock started (performance.now() ms) and where the delay goes. */
export interface Timed {
  readonly start: number;
  readonly observe: (seconds: number) => void;
}

/** A message queued on a session, as it leaves: its JSON, its size, and its clock when it has one. */
export interface Outgoing {
  readonly json: string;
  readonly bytes: number;
  readonly timed?: Timed | undefined;
}

/**
 * Seconds, 0.5 ms to 5 s in 1-2-5 steps. An ack on SQLite takes well under a millisecond of
 * work and fan-out to 2,000 sockets on one node has a p99 of a few tens of ms (npm run bench),
 * so prom-client's default (from 5 ms) would put most acks in its first bucket; 1-2-5 steps keep
 * histogram_quantile's interpolation within one step around the p99 that matters, and past 5 s
 * a client has long been showing its action as pending (+Inf still counts it).
 */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5];
/**
 * Messages per frame, powers of two up to 1,024: most frames carry one message (le="1" is
 * then exactly the unbatched share); bursts (a busy image, a replay's events arrive as one
 * message) batch a few to a few hundred, and a frame is at most 1 MiB.
 */
export const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

const ACTIONS: readonly ActionMessage['type'][] = ['create-image-chat', 'update-image-chat', 'delete-image-chat'];
export type SubscribeAnswer = 'replay' | 'snapshot';

/**
 * Commits this node made whose fan-out has not been seen yet. An image nobody follows on this
 * node never fans out here, so its entries are never taken: past this many, the oldest go.
 */
const MAX_PENDING_COMMITS = 10_000;

export class Timings {
  private readonly answers: Counter<'answer'>;
  private readonly observeAction = new Map<string, (seconds: number) => void>();
  private readonly observeLocal: (seconds: number) => void;
  private readonly observeRemote: (seconds: number) => void;
  private readonly observeBatch: (messages: number) => void;
  private readonly commits = new Map<string, number>();

  constructor(registry: Registry) {
    const action = new HotHistogram(
      registry,
      'image_chat_action_duration_seconds',
      'Action frame received to its ack written to the socket, by action type (acks only; refusals are not counted).',
      LATENCY_BUCKETS,
      { name: 'action', values: ACTIONS },
    );
    for (const type of ACTIONS) this.observeAction.set(type, action.observer(type));
    const fanOut = new HotHistogram(
      registry,
      'image_chat_fanout_delay_seconds',
      'Event to each socket: origin="local" from its commit on this node, origin="remote" from when this node received it in order.',
      LATENCY_BUCKETS,
      { name: 'origin', values: ['local', 'remote'] },
    );
    this.observeLocal = fanOut.observer('local');
    this.observeRemote = fanOut.observer('remote');
    const batch = new HotHistogram(registry, 'image_chat_frame_messages', 'Messages per outgoing WebSocket frame (what is queued in one tick leaves together).', BATCH_BUCKETS);
    this.observeBatch = batch.observer();
    this.answers = new Counter({
      name: 'image_chat_subscribe_answers_total',
      help: 'Subscribes answered, by answer: replay (the events after since) or snapshot (the whole image).',
      labelNames: ['answer'],
      registers: [registry],
    });
    // Both label values are known: shown from the start at zero, so rate() has a series before the first answer.
    this.answers.inc({ answer: 'replay' }, 0);
    this.answers.inc({ answer: 'snapshot' }, 0);
  }

  /** The clock of the ack to an action whose frame arrived at `receivedAt`. */
  acking(action: ActionMessage['type'], receivedAt: number): Timed {
    return { start: receivedAt, observe: this.observeAction.get(action)! };
  }

  /** This node stored `event`: its fan-out here is timed from now. */
  committed(tenant: string, event: ChatEvent): void {
    if (this.commits.size >= MAX_PENDING_COMMITS) this.commits.delete(this.commits.keys().next().value!);
    this.commits.set(commitKey(tenant, event.image, event.seq), performance.now());
  }

  /**
   * The clock of one event's fan-out to this node's sockets (one object, shared by all of them).
   * An event committed elsewhere is timed from now, when this node's feed hands it on in order:
   * the other node's clock cannot be compared with this one to the millisecond, and the bus's
   * own transit is Redis's to report.
   */
  fanningOut(tenant: string, image: string, seq: number): Timed {
    const key = commitKey(tenant, image, seq);
    const committedAt = this.commits.get(key);
    if (committedAt === undefined) return { start: performance.now(), observe: this.observeRemote };
    this.commits.delete(key);
    return { start: committedAt, observe: this.observeLocal };
  }

  /** A frame holding `parts[from..to)` was handed to the socket. */
  written(parts: readonly Outgoing[], from: number, to: number): void {
    this.observeBatch(to - from);
    let now: number | undefined;
    for (let i = from; i < to; i++) {
      const timed = parts[i]!.timed;
      if (timed) timed.observe(((now ??= performance.now()) - timed.start) / 1000);
    }
  }

  answered(answer: SubscribeAnswer): void {
    this.answers.inc({ answer });
  }
}

/** Tenant ids (TENANT_ID) and image ids (parse.ts) hold no control character, so this key is unambiguous. */
function commitKey(tenant: string, image: string, seq: number): string {
  return `${tenant}\n${image}\n${seq}`;
}

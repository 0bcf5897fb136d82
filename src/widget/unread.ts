/**
 * Unread activity: for each conversation, what other people wrote (or edited)
 * since this browser last had its thread open. The time last seen is the
 * server's time of the newest message the thread showed (not this machine's
 * clock, which may be off), kept per image in IndexedDB (idb-keyval; database
 * `image-chat-seen`, store `seen`, key: `imageScope` of the image) and in
 * memory, which is all there is where IndexedDB is missing or refuses.
 *
 * One side effect, owned by a controller: reading the image's record when the
 * image changes, and writing it when an open thread moved it on.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { createStore, get, update, type UseStore } from 'idb-keyval';
import type { ChatView } from './chat-list.ts';

/** Conversation id → server time (ms) of the newest message seen. */
export type Seen = Readonly<Record<string, number>>;

/** The newest confirmed activity in a conversation (a message written or edited), or 0. */
export function lastActivity(chat: ChatView): number {
  let t = 0;
  // Pending messages carry this machine's time: only the server's clock is compared.
  for (const c of chat.comments) if (!c.pending) t = Math.max(t, c.createdAt, c.editedAt ?? 0);
  return t;
}

/** Messages by others written or edited after `seen` (all of them when never seen). */
export function unreadCount(chat: ChatView, seen: number | undefined, me: string | undefined): number {
  let n = 0;
  for (const c of chat.comments) {
    if (c.pending || c.author.id === me) continue;
    if (seen === undefined || Math.max(c.createdAt, c.editedAt ?? 0) > seen) n++;
  }
  return n;
}

/** What the controller needs from its host, read before every render. */
export interface UnreadSource {
  /** `imageScope` of the image (draft-store.ts), or '' when there is none. */
  readonly scope: string;
  readonly chats: readonly ChatView[];
  /** The conversation whose thread is open. */
  readonly open: string | undefined;
  /** Who this browser is (its own messages are never unread); undefined until welcomed. */
  readonly me: string | undefined;
}

/** A request that takes longer than this is given up on (a stuck IndexedDB must not hold the markers back). */
const STORE_TIMEOUT_MS = 1000;
let store: UseStore | null | undefined;

/** Runs `use` on the store; undefined where IndexedDB is missing, refuses (private mode, quota, blocked) or hangs. */
async function stored<T>(use: (store: UseStore) => Promise<T>): Promise<T | undefined> {
  try {
    if (store === undefined) store = globalThis.indexedDB ? createStore('image-chat-seen', 'seen') : null;
    if (store) return await Promise.race([use(store), new Promise<undefined>((resolve) => setTimeout(resolve, STORE_TIMEOUT_MS))]);
  } catch {
    store ??= null;
  }
  return undefined;
}

/** This page's records, ahead of (or instead of) IndexedDB. */
const memory = new Map<string, Seen>();

/** The later time of each conversation; only numbers are taken from `b`, so whatever was stored is safe to merge. */
function merge(a: Seen | undefined, b: Seen | undefined): Seen {
  const out: Record<string, number> = { ...a };
  for (const [id, t] of Object.entries(b ?? {})) if (typeof t === 'number' && !(t <= (out[id] ?? -1))) out[id] = t;
  return out;
}

export class UnreadController implements ReactiveController {
  #scope = '';
  #me: string | undefined;
  /** False until the stored record is read, so markers do not flash unread on load. */
  #ready = false;
  readonly #host: ReactiveControllerHost;
  readonly #source: () => UnreadSource;

  constructor(host: ReactiveControllerHost, source: () => UnreadSource) {
    this.#host = host;
    this.#source = source;
    host.addController(this);
  }

  /** Unread messages in `chat`, 0 until known. */
  count(chat: ChatView): number {
    if (!this.#ready || !this.#scope || this.#me === undefined) return 0;
    return unreadCount(chat, memory.get(this.#scope)?.[chat.id], this.#me);
  }

  hostUpdate(): void {
    const s = this.#source();
    const scope = s.scope;
    this.#me = s.me;
    if (scope !== this.#scope) {
      this.#scope = scope;
      this.#ready = false;
      void stored((db) => get<Seen>(scope, db)).then((value) => {
        // A read for an image the element has since left is dropped.
        if (scope !== this.#scope) return;
        memory.set(scope, merge(memory.get(scope), value));
        this.#ready = true;
        this.#host.requestUpdate();
      });
    }
    const open = s.chats.find((c) => c.id === s.open);
    if (!open || !scope) return;
    const seen = { [open.id]: lastActivity(open) };
    const known = memory.get(scope);
    if (seen[open.id]! > (known?.[open.id] ?? -1)) {
      memory.set(scope, merge(known, seen));
      // Another tab may have seen more meanwhile: keep the later time of each.
      void stored((db) => update<Seen>(scope, (old) => merge(old, seen), db));
    }
  }
}

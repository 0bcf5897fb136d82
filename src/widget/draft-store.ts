/**
 * Unsent text: one draft per conversation of each image (and one for a new
 * conversation), kept in sessionStorage so it survives closing the thread and
 * reloading the tab, and goes with the tab. Where sessionStorage throws (a
 * sandboxed frame, storage blocked, quota), the draft lives in memory for the
 * page instead. Why the server refused a sent text is kept in memory only: it
 * is about this page's attempt, not worth keeping past it.
 */

const PREFIX = 'image-chat:draft:';

/** The key of one draft: its image's scope and the conversation (`new` for a new one). */
export function draftKey(scope: string, chat: string): string {
  return `${scope}:${chat}`;
}

export class DraftStore {
  /** Drafts sessionStorage would not take; read before it. */
  readonly #memory = new Map<string, string>();
  readonly #refusals = new Map<string, string>();
  readonly #listeners = new Set<(key: string) => void>();
  readonly #storage: () => Storage | undefined;

  constructor(storage: () => Storage | undefined = () => globalThis.sessionStorage) {
    this.#storage = storage;}

  get(key: string): string {
    const kept = this.#memory.get(key);
    if (kept !== undefined) return kept;
    try {
      return this.#storage()?.getItem(PREFIX + key) ?? '';
    } catch {
      return '';
    }
  }

  /** Keeps `text` as the draft (an empty or blank one removes it). */
  set(key: string, text: string): void {
    if (text.trim() === '') {
      this.clear(key);
      return;
    }
    try {
      const storage = this.#storage();
      if (!storage) throw new Error('no sessionStorage');
      storage.setItem(PREFIX + key, text);
      this.#memory.delete(key);
    } catch {
      this.#memory.set(key, text);
    }
  }

  clear(key: string): void {
    this.#memory.delete(key);
    this.#refusals.delete(key);
    try {
      this.#storage()?.removeItem(PREFIX + key);
    } catch {
      /* nothing was kept there */
    }
  }

  /** Why the last sent text of this draft was refused, or undefined. */
  refusal(key: string): string | undefined {
    return this.#refusals.get(key);
  }

  clearRefusal(key: string): void {
    this.#refusals.delete(key);
  }

  /**
   * A sent text came back refused: it becomes the draft again (before anything
   * typed since, which is kept), with the reason, and the composer showing
   * this draft, if any, is told.
   */
  restore(key: string, text: string, reason: string): void {
    const now = this.get(key);
    this.set(key, now.trim() === '' || now === text ? text : `${text}\n${now}`);
    this.#refusals.set(key, reason);
    for (const listener of this.#listeners) listener(key);
  }

  /** Calls `listener` with the key of every restored draft; returns the unsubscribe. */
  watch(listener: (key: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** The page's drafts, shared by every element on it. */
export const drafts = new DraftStore();

/**
 * Telling the others this user writes in a conversation (the `typing` frames): while the reply's text
 * changes, a `typing` at most every `typingEveryMs` (2 s); nothing while the text stays the same; a stop
 * when it is sent, cleared, or the conversation closes. The server drops a typist 5 s after their last
 * `typing`, so a pause ends it by itself. Comes with the lazily loaded parts: nobody writes without
 * their text box. The clock is injected, so it is tested without waiting.
 */
import type { Author } from '../protocol/messages.ts';

/** Who types in a conversation, this user left out. */
export function othersTyping(typists: readonly Author[], me: string | undefined): readonly Author[] {
  return typists.filter((u) => u.id !== me);
}

export interface TypingOptions {
  readonly now?: () => number;
  readonly typingEveryMs?: number;
}

export class Typing {
  /** The conversation this user was last shown as writing in, what they had written, when `typing` last went. */
  #writing: { chatId: string; text: string; sentAt: number; sent: boolean } | undefined;
  readonly #options: TypingOptions;
  readonly #send: (chatId: string, stop: boolean) => void;

  constructor(
    send: (chatId: string, stop: boolean) => void,
    options: TypingOptions = {},
  ) {
    this.#send = send;
    this.#options = options;}

  /** The reply box of `chatId` holds `text` now (each input event). */
  input(chatId: string, text: string): void {
    if (this.#writing?.chatId !== chatId) {
      this.stop();
      this.#writing = { chatId, text: '', sentAt: -Infinity, sent: false };
    }
    const w = this.#writing!;
    if (text === w.text) return;
    w.text = text;
    if (text.trim() === '') return this.stop();
    const now = (this.#options.now ?? Date.now)();
    if (now - w.sentAt < (this.#options.typingEveryMs ?? 2000)) return;
    w.sentAt = now;
    w.sent = true;
    this.#send(chatId, false);
  }

  /** Sent, cleared or closed: others stop seeing this user type (if they did). */
  stop(): void {
    const w = this.#writing;
    this.#writing = undefined;
    if (w?.sent) this.#send(w.chatId, true);
  }
}

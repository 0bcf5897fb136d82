/**
 * Who else is viewing the image (`presence` part) and who is writing in the
 * open conversation (`typing` part), with the two timers behind them:
 * - away: once the page has been hidden for `awayAfterMs` (60 s) the element
 *   tells the server it is not looking (`here: false`), and that it is back
 *   as soon as the page is shown again;
 * - typing: while the reply's text changes, a `typing` at most every
 *   `typingEveryMs` (2 s); nothing while the text stays the same; a stop when
 *   it is sent, cleared, or the conversation closes. The server drops a
 *   typist 5 s after their last `typing`, so a pause ends it by itself.
 * Clock and page signals are injected, so both timers are tested without waiting.
 *
 * The presence part sits in the top start corner of the image (the list
 * toggle has the top end one) and is not drawn while nobody else is there.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Author, PresenceMessage, Viewer } from '../protocol/messages.ts';
import { browserPage, type PageSignals } from '../sync/page-signals.ts';
import { defaultTimers, type Timers } from '../sync/types.ts';
import type { I18n } from './i18n/i18n.ts';

/** Avatars drawn before the rest is folded into "+N". */
export const MAX_AVATARS = 4;

export interface PresenceSource {
  presence(): PresenceMessage | undefined;
  me(): string | undefined;
  /** The element's language (its `presence` section: i18n/en.ts). */
  i18n(): I18n;
  /** May this user write here (no typing otherwise)? */
  mayWrite(): boolean;
  sendHere(here: boolean): void;
  sendTyping(chatId: string, stop: boolean): void;
}

export interface PresenceOptions {
  readonly timers?: Timers;
  readonly now?: () => number;
  readonly page?: PageSignals;
  readonly awayAfterMs?: number;
  readonly typingEveryMs?: number;
}

export class PresenceController implements ReactiveController {
  /** The server was told this page is not looked at. */
  away = false;
  private awayTimer: unknown;
  private offPage: (() => void) | undefined;
  /** The conversation this user was last shown as writing in, what they had written, when `typing` last went. */
  private writing: { chatId: string; text: string; sentAt: number; sent: boolean } | undefined;
  private readonly timers: Timers;
  private readonly now: () => number;
  private readonly page: PageSignals;

  constructor(
    host: ReactiveControllerHost,
    private readonly source: PresenceSource,
    private readonly options: PresenceOptions = {},
  ) {
    this.timers = options.timers ?? defaultTimers;
    this.now = options.now ?? Date.now;
    this.page = options.page ?? browserPage;
    host.addController(this);
  }

  hostConnected(): void {
    this.offPage = this.page.listen((signal) => {
      if (signal === 'hidden') this.hidden();
      else if (signal === 'visible') this.shown();
    });
    if (!this.page.visible()) this.hidden();
  }

  hostDisconnected(): void {
    this.offPage?.();
    this.offPage = undefined;
    this.timers.clearTimeout(this.awayTimer);
    this.awayTimer = undefined;
    this.stopTyping();
  }

  /** The reply box of `chatId` holds `text` now (each input event). */
  input(chatId: string, text: string): void {
    if (!this.source.mayWrite()) return;
    if (this.writing?.chatId !== chatId) {
      this.stopTyping();
      this.writing = { chatId, text: '', sentAt: -Infinity, sent: false };
    }
    const w = this.writing!;
    if (text === w.text) return;
    w.text = text;
    if (text.trim() === '') return this.stopTyping();
    if (this.now() - w.sentAt < (this.options.typingEveryMs ?? 2000)) return;
    w.sentAt = this.now();
    w.sent = true;
    this.source.sendTyping(chatId, false);
  }

  /** Sent, cleared or closed: others stop seeing this user type (if they did). */
  stopTyping(): void {
    const w = this.writing;
    this.writing = undefined;
    if (w?.sent) this.source.sendTyping(w.chatId, true);
  }

  /**
   * The `presence` part, `inset` px in from the host's `side` and `top` px down (the image's top start
   * corner: left, or right in a right-to-left language), or nothing while nobody else views the image.
   */
  badge(side: 'left' | 'right', inset: number, top: number): TemplateResult | typeof nothing {
    const p = this.source.presence();
    if (!p) return nothing;
    const me = this.source.me();
    const others = p.viewers.filter((v) => v.id !== me);
    // Am I among `count`? Listed, or (a long list) unless the server was told this page is away.
    const counted = p.viewers.some((v) => v.id === me) || (p.count > p.viewers.length && !this.away);
    const otherCount = Math.max(others.length, p.count - (counted ? 1 : 0));
    if (otherCount === 0) return nothing;
    const i18n = this.source.i18n();
    const t = i18n.text.presence;
    const shown = others.slice(0, MAX_AVATARS);
    const rest = otherCount - shown.length;
    const names = others.slice(0, otherCount).map((v) => v.name);
    const unlisted = otherCount - names.length;
    const spoken = i18n.format(t.others, { names: i18n.list(unlisted > 0 ? [...names, i18n.plural(t.more, unlisted)] : names) });
    return html`<div part="presence" class="presence" data-count=${p.count} data-others=${otherCount} style="${side}:${inset}px;top:${top}px">
      <span class="visually-hidden">${spoken}</span>
      ${shown.map((v) => avatar(v))}
      ${rest > 0
        ? html`<span class="avatar more" aria-hidden="true" title=${others.slice(MAX_AVATARS).map((v) => v.name).join(', ')}>${i18n.format(t.moreBadge, { count: rest })}</span>`
        : nothing}
      <span class="viewing" aria-hidden="true">${i18n.plural(t.viewing, p.count)}</span>
    </div>`;
  }

  private hidden(): void {
    if (this.away || this.awayTimer !== undefined) return;
    this.awayTimer = this.timers.setTimeout(() => {
      this.awayTimer = undefined;
      this.away = true;
      this.source.sendHere(false);
    }, this.options.awayAfterMs ?? 60_000);
  }

  private shown(): void {
    this.timers.clearTimeout(this.awayTimer);
    this.awayTimer = undefined;
    if (!this.away) return;
    this.away = false;
    this.source.sendHere(true);
  }
}

function avatar(v: Viewer): TemplateResult {
  return html`<span class="avatar" aria-hidden="true" title=${v.name} data-guest=${v.guest ? 'true' : nothing}>${initials(v.name)}</span>`;
}

/** One or two letters for a name: the first letters of its first and last words ("Ana Lima" → "AL"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = [...(words[0] ?? '?')][0] ?? '?';
  const last = words.length > 1 ? ([...words[words.length - 1]!][0] ?? '') : '';
  return (first + last).toLocaleUpperCase();
}

/** The `typing` part of a conversation: a polite live region, empty (and kept) while nobody else writes. */
export function typingTemplate(i18n: I18n, others: readonly Author[]): TemplateResult {
  return html`<p part="typing" class="typing" role="status" aria-live="polite" data-count=${others.length}>${typingText(i18n, others)}</p>`;
}

/** Who types in a conversation, this user left out. */
export function othersTyping(typists: readonly Author[], me: string | undefined): readonly Author[] {
  return typists.filter((u) => u.id !== me);
}

/** "Ana is typing…", "Ana and Ben are typing…", "3 people are typing…"; empty for nobody. */
export function typingText(i18n: I18n, users: readonly Author[]): string {
  const t = i18n.text.presence;
  if (users.length === 0) return '';
  if (users.length === 1) return i18n.format(t.typingOne, { name: users[0]!.name });
  if (users.length === 2) return i18n.format(t.typingTwo, { first: users[0]!.name, second: users[1]!.name });
  return i18n.plural(t.typingMany, users.length);
}

/**
 * What the `presence` part draws and whether it is drawn at all (only while someone else views the
 * image), and the `typing` part of a thread; they come with the element's lazily loaded parts (parts.ts).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Author, PresenceMessage, Viewer } from '../protocol/messages.ts';
import type { I18n } from './i18n/i18n.ts';

/** Avatars drawn before the rest is folded into "+N". */
export const MAX_AVATARS = 4;

/**
 * The `presence` part, `inset` px in from the host's `side` and `top` px down, or nothing while nobody
 * else views the image; `me` is this reader, `away` whether the server was told this page is not looked at.
 */
export function presenceBadge(i18n: I18n, p: PresenceMessage, me: string | undefined, away: boolean, side: 'left' | 'right', inset: number, top: number): TemplateResult | typeof nothing {
  const { count } = p;
  const others = p.viewers.filter((v) => v.id !== me);
  // Am I among `count`? Listed, or (a long list) unless the server was told this page is away.
  const counted = p.viewers.some((v) => v.id === me) || (count > p.viewers.length && !away);
  const otherCount = Math.max(others.length, count - (counted ? 1 : 0));
  if (otherCount === 0) return nothing;
  const t = i18n.text.presence;
  const shown = others.slice(0, MAX_AVATARS);
  const rest = otherCount - shown.length;
  const names = others.slice(0, otherCount).map((v) => v.name);
  const unlisted = otherCount - names.length;
  const spoken = i18n.format(t.others, { names: i18n.list(unlisted > 0 ? [...names, i18n.plural(t.more, unlisted)] : names) });
  return html`<div part="presence" class="presence" data-count=${count} data-others=${otherCount} style="${side}:${inset}px;top:${top}px">
    <span class="visually-hidden">${spoken}</span>
    ${shown.map((v) => avatar(v))}
    ${rest > 0
      ? html`<span class="avatar more" aria-hidden="true" title=${others.slice(MAX_AVATARS).map((v) => v.name).join(', ')}>${i18n.format(t.moreBadge, { count: rest })}</span>`
      : nothing}
    <span class="viewing" aria-hidden="true">${i18n.plural(t.viewing, count)}</span>
  </div>`;
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

/** "Ana is typing…", "Ana and Ben are typing…", "3 people are typing…"; empty for nobody. */
export function typingText(i18n: I18n, users: readonly Author[]): string {
  const t = i18n.text.presence;
  if (users.length === 0) return '';
  if (users.length === 1) return i18n.format(t.typingOne, { name: users[0]!.name });
  if (users.length === 2) return i18n.format(t.typingTwo, { first: users[0]!.name, second: users[1]!.name });
  return i18n.plural(t.typingMany, users.length);
}

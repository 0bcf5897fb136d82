/**
 * What the popups (a thread, a new conversation) share: where one is placed next to its point, and
 * why nothing can be posted from it right now. Comes with the lazily loaded parts.
 */
import type { Point, Rect, Size } from './geometry.ts';
import { placePopup } from './fractions.ts';
import type { ConnectionStatus } from '../sync/state.ts';
import type { I18n } from './i18n/i18n.ts';

/**
 * Why nothing can be posted, replied, edited or deleted right now, or undefined when it can.
 * Actions are refused rather than queued: one made offline would otherwise land later, out of context.
 */
export function blockedReason(i18n: I18n, status: ConnectionStatus, serverUnreachable = false): string | undefined {
  if (status === 'online') return undefined;
  return i18n.text.blocked[serverUnreachable ? 'unreachable' : status];
}

/** Said in the banner to whoever was reading a conversation someone else deleted (its thread closes). */
export const goneText = (i18n: I18n, number: number) => i18n.format(i18n.text.status.gone, { number });

/** Inline style placing a popup next to a point (fractions of the image content) inside the host. */
export function popupStyle(content: Rect, at: Point, width: number, bounds: Size): string {
  const p = placePopup({ x: content.x + at.x * content.width, y: content.y + at.y * content.height }, width, bounds);
  const v = p.top !== undefined ? `top:${p.top}px` : `bottom:${p.bottom ?? 0}px`;
  return `left:${p.left}px;width:${p.width}px;${v};max-height:${p.maxHeight}px`;
}

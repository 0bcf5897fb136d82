/**
 * Owns one side effect: moving a marker, by pointer (mouse, pen, touch) or
 * from the keyboard, listening on the element's shadow root while connected.
 *
 * Pointer: a press on a marker its viewer may move captures the pointer; only
 * once it has travelled more than a few px does the marker follow it (so a
 * click stays a click), keeping the offset at which it was grabbed so it does
 * not jump. Releasing drops it; Escape, a cancelled pointer or a lost capture
 * put it back. The click that ends a drag is swallowed.
 *
 * Keyboard, on a focused marker: M (or Alt+arrow) starts moving it, arrows move
 * it by 1 % of the image (Shift: 10 %), Enter or Space drops it, Escape puts it
 * back, leaving the marker puts it back. Each step is announced.
 *
 * A drop sends `update-image-chat {kind: "move"}`: shown at once, everyone sees
 * it live, a refusal rolls it back (ChatSync).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatView } from './chat-list.ts';
import type { Point } from './geometry.ts';
import { clamp01 } from './fractions.ts';
import type { I18n } from './i18n/i18n.ts';
import type { MarkerLayer } from './marker-layer.ts';

/** Travel (px) before a press becomes a drag: a finger wobbles more than a mouse. */
const THRESHOLD = { mouse: 4, pen: 4, touch: 8 } as Record<string, number>;
const STEP = 0.01;
const BIG_STEP = 0.1;

/** What moving uses of the marker layer: who may move what, the numbers, the live region, and its source. */
export type MoveLayer = Pick<MarkerLayer, 'source' | 'mayMove' | 'numberOf' | 'announce'>;

interface Moving {
  readonly id: string;
  readonly via: 'pointer' | 'keyboard';
  readonly from: Point;
  readonly at: Point;
}

interface Press {
  readonly id: string;
  readonly pointerId: number;
  readonly type: string;
  readonly startX: number;
  readonly startY: number;
  /** Pointer minus the tip, px, at the press. */
  readonly grabX: number;
  readonly grabY: number;
  readonly el: HTMLElement;
}

const ARROWS: Record<string, readonly [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

function markerOf(target: EventTarget | null): HTMLElement | undefined {
  const el = target instanceof Element ? target.closest<HTMLElement>('[part~="marker"]') : null;
  return el?.dataset.chatId ? el : undefined;
}

const percent = (f: number) => Math.round(f * 100);

export class MarkerMove implements ReactiveController {
  /** The marker being moved, where it is now. */
  moving: Moving | undefined;
  #press: Press | undefined;
  #swallowClick = false;
  #root: ShadowRoot | HTMLElement | undefined;
  readonly #layer: MoveLayer;
  readonly #host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };

  constructor(
    host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment },
    layer: MoveLayer,
  ) {
    this.#host = host;
    this.#layer = layer;
    host.addController(this);
  }

  /** Where a marker is drawn while it moves, or undefined. */
  position(id: string): Point | undefined {
    return this.moving?.id === id ? this.moving.at : undefined;
  }

  #listeners(): [string, EventListener, boolean?][] {
    return [
      ['pointerdown', this.#onPointerDown as EventListener],
      ['pointermove', this.#onPointerMove as EventListener],
      ['pointerup', this.#onPointerUp as EventListener],
      ['pointercancel', this.#onPointerCancel as EventListener],
      ['lostpointercapture', this.#onPointerCancel as EventListener],
      // Capture: the click that ends a drag is swallowed before the marker's own handler sees it.
      ['click', this.#onClick as EventListener, true],
      ['keydown', this.#onKeyDown as EventListener],
      ['focusout', this.#onFocusOut as EventListener],
    ];
  }

  hostConnected(): void {
    this.#root = this.#host.renderRoot as ShadowRoot;
    for (const [type, listener, capture] of this.#listeners()) this.#root.addEventListener(type, listener, capture);
  }

  hostDisconnected(): void {
    for (const [type, listener, capture] of this.#listeners()) this.#root?.removeEventListener(type, listener, capture);
    globalThis.removeEventListener?.('keydown', this.#onWindowKey, true);
    this.#press = undefined;
    this.moving = undefined;
  }

  #movable(id: string): ChatView | undefined {
    const chat = this.#layer.source.chats().find((c) => c.id === id);
    return chat && this.#layer.mayMove(chat) ? chat : undefined;
  }

  #set(moving: Moving | undefined): void {
    this.moving = moving;
    this.#host.requestUpdate();
  }

  /** The overlay's box on screen: the image content's. */
  #overlayBox(): DOMRect | undefined {
    return (this.#host.renderRoot as ShadowRoot).querySelector('[part~="overlay"]')?.getBoundingClientRect();
  }

  #tipOnScreen(at: Point): Point | undefined {
    const r = this.#overlayBox();
    return r && r.width > 0 && r.height > 0 ? { x: r.left + at.x * r.width, y: r.top + at.y * r.height } : undefined;
  }

  #fractionAt(clientX: number, clientY: number): Point | undefined {
    const r = this.#overlayBox();
    if (!r || r.width <= 0 || r.height <= 0) return undefined;
    return { x: clamp01((clientX - r.left) / r.width), y: clamp01((clientY - r.top) / r.height) };
  }

  // ------------------------------------------------------------ pointer

  readonly #onPointerDown = (e: PointerEvent): void => {
    this.#swallowClick = false;
    if (!e.isPrimary || (e.pointerType === 'mouse' && e.button !== 0) || this.moving) return;
    const el = markerOf(e.target);
    const chat = el && this.#movable(el.dataset.chatId!);
    const tip = chat && this.#tipOnScreen(chat);
    if (!el || !chat || !tip) return;
    this.#press = { id: chat.id, pointerId: e.pointerId, type: e.pointerType, startX: e.clientX, startY: e.clientY, grabX: e.clientX - tip.x, grabY: e.clientY - tip.y, el };
    // Captured at once: the pointer may leave the marker (or the element) before it counts as a drag.
    try {
      el.setPointerCapture(e.pointerId);
    } catch {
      // A pointer the browser no longer tracks: it ends by itself.
    }
  };

  readonly #onPointerMove = (e: PointerEvent): void => {
    const p = this.#press;
    if (!p || e.pointerId !== p.pointerId) return;
    if (!this.moving) {
      const travel = Math.hypot(e.clientX - p.startX, e.clientY - p.startY);
      if (travel <= (THRESHOLD[p.type] ?? 4)) return;
      const chat = this.#movable(p.id);
      if (!chat) return this.#endPress();
      this.moving = { id: p.id, via: 'pointer', from: { x: chat.x, y: chat.y }, at: { x: chat.x, y: chat.y } };
      globalThis.addEventListener?.('keydown', this.#onWindowKey, true);
    }
    e.preventDefault();
    const at = this.#fractionAt(e.clientX - p.grabX, e.clientY - p.grabY);
    if (at && this.moving) this.#set({ ...this.moving, at });
  };

  readonly #onPointerUp = (e: PointerEvent): void => {
    const p = this.#press;
    if (!p || e.pointerId !== p.pointerId) return;
    const moving = this.moving;
    this.#endPress();
    if (moving?.via !== 'pointer') return;
    this.#swallowClick = true;
    this.#drop(moving);
  };

  readonly #onPointerCancel = (e: PointerEvent): void => {
    const p = this.#press;
    if (!p || e.pointerId !== p.pointerId) return;
    const moving = this.moving;
    this.#endPress();
    if (moving?.via === 'pointer') this.#cancel(moving);
  };

  #endPress(): void {
    const p = this.#press;
    this.#press = undefined;
    globalThis.removeEventListener?.('keydown', this.#onWindowKey, true);
    if (p?.el.hasPointerCapture?.(p.pointerId)) p.el.releasePointerCapture(p.pointerId);
  }

  readonly #onClick = (e: Event): void => {
    if (!this.#swallowClick) return;
    this.#swallowClick = false;
    if (!markerOf(e.target)) return;
    e.stopPropagation();
    e.preventDefault();
  };

  /** Escape during a drag, wherever focus is. */
  readonly #onWindowKey = (e: KeyboardEvent): void => {
    const moving = this.moving;
    if (e.key !== 'Escape' || moving?.via !== 'pointer') return;
    e.preventDefault();
    e.stopPropagation();
    this.#endPress();
    this.#swallowClick = true;
    this.#cancel(moving);
  };

  // ------------------------------------------------------------ keyboard

  readonly #onKeyDown = (e: KeyboardEvent): void => {
    const el = markerOf(e.target);
    if (!el || e.ctrlKey || e.metaKey) return;
    this.#swallowClick = false;
    const id = el.dataset.chatId!;
    const moving = this.moving;
    const arrow = ARROWS[e.key];
    if (moving && moving.id === id && moving.via === 'keyboard') {
      if (arrow) {
        e.preventDefault();
        const step = e.shiftKey ? BIG_STEP : STEP;
        this.#step(moving, arrow, step);
      } else if (e.key === 'Enter' || e.key === ' ' || e.key === 'm' || e.key === 'M') {
        e.preventDefault();
        this.#drop(moving);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        this.#cancel(moving);
      }
      return;
    }
    if (moving) return;
    const startKey = (e.key === 'm' || e.key === 'M') && !e.altKey;
    if (!startKey && !(arrow && e.altKey)) return;
    const chat = this.#movable(id);
    if (!chat) return;
    e.preventDefault();
    const started: Moving = { id, via: 'keyboard', from: { x: chat.x, y: chat.y }, at: { x: chat.x, y: chat.y } };
    this.#set(started);
    if (arrow) this.#step(started, arrow, e.shiftKey ? BIG_STEP : STEP);
    else this.#layer.announce(this.#say('start', { number: this.#layer.numberOf(id) }));
  };

  #step(moving: Moving, [dx, dy]: readonly [number, number], step: number): void {
    const at = { x: clamp01(moving.at.x + dx * step), y: clamp01(moving.at.y + dy * step) };
    this.#set({ ...moving, at });
    this.#layer.announce(this.#say('position', { x: percent(at.x), y: percent(at.y) }));
  }

  readonly #onFocusOut = (e: FocusEvent): void => {
    const moving = this.moving;
    if (moving?.via !== 'keyboard' || markerOf(e.target)?.dataset.chatId !== moving.id) return;
    this.#cancel(moving);
  };

  // ------------------------------------------------------------ outcome

  #drop(moving: Moving): void {
    this.#set(undefined);
    const { from, at } = moving;
    if (from.x === at.x && from.y === at.y) return;
    if (!this.#movable(moving.id)) return;
    const refused = this.#layer.source.move(moving.id, at.x, at.y);
    if (refused === undefined) {
      this.#layer.announce(this.#say('dropped', { number: this.#layer.numberOf(moving.id), x: percent(at.x), y: percent(at.y) }));
    }
  }

  /** A sentence of the `move` section, filled, in the element's language. */
  #say(key: keyof I18n['text']['move'], values: Readonly<Record<string, number>>): string {
    const i18n = this.#layer.source.i18n();
    return i18n.format(i18n.text.move[key], values);
  }

  #cancel(moving: Moving): void {
    this.#set(undefined);
    this.#layer.announce(this.#say('cancelled', { number: this.#layer.numberOf(moving.id) }));
  }
}

/**
 * Everything drawn on the image about its conversations, for <image-chat>:
 * the markers (tip on the point, inside the image, numbered by the server),
 * the clusters standing for markers that would overlap at the displayed size,
 * moving (MarkerMove), the list panel (ListPanel) and its toggle, "hide
 * resolved", and a live region for announcements. Moving and the list arrive
 * with the element's lazily loaded parts (parts.ts, `attach`); until then a
 * marker opens its thread, and the toggle or a cluster fetches the list first.
 *
 * A cluster, when activated, lists its conversations (ListPanel scoped to it)
 * rather than zooming the image apart: the image's size and scroll belong to
 * the page, points a few px apart would need a large zoom, and a list reads
 * the same with a mouse, a finger, a keyboard or a screen reader.
 *
 * Some markers are always drawn on their own, above the others: the open
 * conversation's, the one being moved and the focused one (a focused marker
 * never vanishes into a cluster under the user's focus). Everything else is
 * clustered (cluster.ts), recomputed only when the conversations, the size or
 * that set change.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { User } from '../protocol/messages.ts';
import type { ChatView } from './chat-list.ts';
import { layoutMarkers, placePin, type Placed, type PlacedCluster, type PlacedPin } from './cluster.ts';
import type { Rect } from './geometry.ts';
import type { EndInset, ListPanel } from './list-panel.ts';
import type { MarkerMove } from './marker-move.ts';
import type { Parts } from './parts-loader.ts';
import { KeyedNodes } from './keyed-nodes.ts';
import { chatNumbers } from './numbers.ts';
import { markerTemplate } from './templates.ts';
import type { I18n } from './i18n/i18n.ts';

/** The smallest marker a finger can hit (WCAG 2.5.5). */
const TOUCH_SIZE = 44;
const MIN_SIZE = 24;
const CLUSTER_SCALE = 1.25;
/** Markers closer than this (px) count as overlapping: they would touch. */
const GAP = 2;
const EDGE = 8;

export interface LayerSource {
  chats(): readonly ChatView[];
  /** The displayed image content in the host's coordinates. */
  rect(): Rect;
  user(): User | undefined;
  /** Online and not view-only. */
  canAct(): boolean;
  openId(): string | undefined;
  hideResolved(): boolean;
  setHideResolved(hide: boolean): void;
  i18n(): I18n;
  /** Messages by others since this browser last opened the conversation (unread.ts). */
  unread(chat: ChatView): number;
  /** Opens the conversation's thread (never toggles it shut) and moves focus into it. */
  open(id: string): void;
  closeThread(): void;
  move(id: string, x: number, y: number): string | undefined;
  /** Fetches the lazily loaded parts if need be (false: they could not be had, and the reader was told). */
  needParts(): Promise<boolean>;
}

let layers = 0;

const FOCUS_EVENTS = ['focusin', 'focusout'];

type HostElement = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment; readonly updateComplete: Promise<boolean> };

/** The numbers the conversations had when last counted, and the list they were counted from. */
interface Numbering {
  readonly chats: readonly ChatView[];
  readonly map: ReadonlyMap<string, number>;
  readonly ordered: readonly ChatView[];
}

export class MarkerLayer implements ReactiveController {
  /** Unique per element: ids of the list panel and of the help text markers point to. */
  readonly idPrefix = `image-chat-list-${++layers}`;
  #move: MarkerMove | undefined;
  #list: ListPanel | undefined;
  #message = '';
  #focused: string | undefined;
  #numbers: Numbering | undefined;
  #layout: { chats: readonly ChatView[]; key: string; placed: Placed[] } | undefined;
  /** Keyed: a marker keeps its element (focus, a drag) while others come, go or join a cluster. */
  readonly #drawn = new KeyedNodes();
  readonly #coarse = globalThis.matchMedia?.('(pointer: coarse)');
  readonly #host: HostElement;

  constructor(
    host: HostElement,
    /** The element's side; moving and the list (parts) read it too. */
    readonly source: LayerSource,
  ) {
    this.#host = host;
    host.addController(this);
  }

  /** Moving and the list, once the element's parts have arrived. */
  attach(parts: Pick<Parts, 'MarkerMove' | 'ListPanel'>): void {
    this.#move = new parts.MarkerMove(this.#host, this);
    this.#list = new parts.ListPanel(this.#host, this);
  }

  /** Opens the list (`scope`: a cluster's conversations), or closes the whole list when it is open; fetches it first if need be. */
  async #toggleList(scope: readonly string[] | undefined, from: HTMLElement): Promise<void> {
    if (!this.#list) {
      if (!(await this.source.needParts())) return;
      await this.#host.updateComplete; // the element attaches the parts in that update
    }
    const list = this.#list;
    if (!list) return;
    if (!scope && list.open && !list.scope) list.hide(false);
    else list.show(scope, from);
  }

  hostConnected(): void {
    for (const type of FOCUS_EVENTS) this.#host.renderRoot.addEventListener(type, this);
  }

  hostDisconnected(): void {
    for (const type of FOCUS_EVENTS) this.#host.renderRoot.removeEventListener(type, this);
    this.#focused = undefined;
  }

  /** The author, or a moderator, online and allowed to act, once the server stored it. */
  mayMove(chat: ChatView): boolean {
    const user = this.source.user();
    if (!user || chat.unsaved || !this.source.canAct()) return false;
    return chat.author.id === user.id || user.role === 'moderator' || user.role === 'admin';
  }

  numberOf(id: string): number {
    return this.#numbered().map.get(id) ?? 0;
  }

  /**
   * The conversations in number order: the order they are clustered in (the same
   * for everyone) and drawn in (Tab goes 1, 2, 3). Those created in the same
   * millisecond come in id order from the list, not necessarily in number order.
   */
  #numbered(): Numbering {
    const chats = this.source.chats();
    if (this.#numbers?.chats !== chats) {
      const map = chatNumbers(chats);
      this.#numbers = { chats, map, ordered: [...chats].sort((a, b) => map.get(a.id)! - map.get(b.id)!) };
    }
    return this.#numbers;
  }

  /** The overlay's name: the image's (`alt`, or a wrapped img's), how many conversations, how to place one. */
  overlayLabel(alt: string | undefined, viewOnly: boolean): string {
    const i18n = this.source.i18n();
    const t = i18n.text.markers;
    return i18n.plural(viewOnly ? t.overlayViewOnly : t.overlay, this.source.chats().length, { alt: alt || t.image });
  }

  /** The thread popup's name, with the conversation's number. */
  threadLabel(chat: ChatView): string {
    const i18n = this.source.i18n();
    return i18n.format(i18n.text.markers.thread, { number: this.numberOf(chat.id), author: chat.author.name });
  }

  announce(text: string): void {
    // The same sentence twice in a row is still read: the region's text must change.
    this.#message = this.#message === text ? `${text}\u00a0` : text;
    this.#host.requestUpdate();
  }

  /** Focus entering or leaving a marker (FOCUS_EVENTS): the focused one is drawn on its own. */
  handleEvent(e: FocusEvent): void {
    const target = e.target as HTMLElement;
    const id = target.matches?.('[part~="marker"]') ? target.dataset.chatId : undefined;
    if (!id) return;
    const next = e.type === 'focusin' ? id : this.#focused === id ? undefined : this.#focused;
    if (next === this.#focused) return;
    this.#focused = next;
    this.#host.requestUpdate();
  }

  /** A conversation chosen in the list: its marker, drawn on its own, is focused and its thread opens. */
  async choose(id: string): Promise<void> {
    this.#focused = id;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    this.markerEl(id)?.focus();
    this.source.open(id);
  }

  markerEl(id: string): HTMLElement | undefined {
    return [...(this.#host.renderRoot as ShadowRoot).querySelectorAll<HTMLElement>('[part~="marker"]')].find((m) => m.dataset.chatId === id);
  }

  /** The cluster holding this conversation's marker, if it is in one. */
  clusterEl(id: string): HTMLElement | undefined {
    const cluster = this.#layout?.placed.find((p): p is PlacedCluster => p.kind === 'cluster' && p.ids.includes(id));
    if (!cluster) return undefined;
    return (this.#host.renderRoot as ShadowRoot).querySelector<HTMLElement>(`[part~="cluster"][data-first="${CSS.escape(cluster.ids[0]!)}"]`) ?? undefined;
  }

  #pinSize(): number {
    const base = parseFloat(getComputedStyle(this.#host).getPropertyValue('--image-chat-marker-size')) || 32;
    return Math.max(base, this.#coarse?.matches ? TOUCH_SIZE : MIN_SIZE);
  }

  #place(chats: readonly ChatView[], rect: Rect, size: number, alone: ReadonlySet<string>, hide: boolean): Placed[] {
    const key = [rect.width, rect.height, size, hide, ...[...alone].sort()].join(' ');
    if (this.#layout?.chats !== chats || this.#layout.key !== key) {
      const pins = chats.filter((c) => !alone.has(c.id) && !(hide && c.resolved));
      const placed = layoutMarkers(pins, { width: rect.width, height: rect.height, pinSize: size, clusterSize: Math.round(size * CLUSTER_SCALE), gap: GAP });
      this.#layout = { chats, key, placed };
    }
    return this.#layout.placed;
  }

  /** The markers and clusters, inside the overlay (one node, the same each time). `toggle` opens or closes a marker's thread. */
  markersTemplate(toggle: (id: string) => void): HTMLElement {
    const chats = this.#numbered().ordered;
    const rect = this.source.rect();
    const size = this.#pinSize();
    const openId = this.source.openId();
    const moving = this.#move?.moving;
    const alone = new Set([openId, moving?.id, this.#focused].filter((id): id is string => !!id && chats.some((c) => c.id === id)));
    const placed = this.#place(chats, rect, size, alone, this.source.hideResolved());
    const pins = new Map<string, PlacedPin>();
    const clusters: PlacedCluster[] = [];
    for (const p of placed) {
      if (p.kind === 'marker') pins.set(p.id, p);
      else clusters.push(p);
    }
    const shown = chats.filter((c) => alone.has(c.id) || pins.has(c.id));
    const i18n = this.source.i18n();
    const marker = (c: ChatView) => {
      const at = this.#move?.position(c.id) ?? c;
      const tip = alone.has(c.id) ? placePin(at.x * rect.width, at.y * rect.height, size, rect.width, rect.height).tip : pins.get(c.id)!.tip;
      const movable = this.mayMove(c);
      const number = this.numberOf(c.id);
      return markerTemplate(i18n, c, number - 1, openId === c.id, () => toggle(c.id), {
        number,
        tip,
        style: `left:${at.x * 100}%;top:${at.y * 100}%;--ic-pin:${size}px`,
        movable,
        moving: moving?.id === c.id,
        above: alone.has(c.id),
        describedBy: movable ? `${this.idPrefix}-move-help` : undefined,
      }, this.source.unread(c));
    };
    const cluster = (p: PlacedCluster) => {
      const numbers = p.ids.map((id) => this.numberOf(id));
      return html`<button
        type="button"
        part="cluster"
        data-count=${p.ids.length}
        data-first=${p.ids[0]!}
        aria-haspopup="dialog"
        aria-expanded=${this.#list?.showing(p.ids) ? 'true' : 'false'}
        aria-label=${i18n.plural(i18n.text.markers.cluster, p.ids.length, { numbers: i18n.list(numbers) })}
        style="left:${p.box.left}px;top:${p.box.top}px;--ic-cluster:${p.box.right - p.box.left}px"
        @click=${(e: Event) => this.#toggleList(p.ids, e.currentTarget as HTMLElement)}
      >
        ${i18n.number(p.ids.length)}
      </button>`;
    };
    // A cluster is keyed by a space and its first id: conversation ids (safe ids, UUIDs) hold no space.
    return this.#drawn.show([...shown.map((c) => [c.id, marker(c)] as const), ...clusters.map((p) => [` ${p.ids[0]}`, cluster(p)] as const)]);
  }

  /** The toggle, placed at the top end of the image content (`top` in px of the host). */
  #toggleTemplate(top: number, end: EndInset): TemplateResult | typeof nothing {
    const i18n = this.source.i18n();
    const open = this.#list?.open ?? false;
    const count = this.source.chats().length;
    // Nothing to list yet: the image's corner stays free for placing the first conversation there.
    if (count === 0 && !open) return nothing;
    return html`<button
      type="button"
      part="list-toggle"
      class="list-toggle"
      aria-controls=${this.idPrefix}
      aria-expanded=${open ? 'true' : 'false'}
      aria-label=${i18n.plural(i18n.text.list.toggle, count)}
      style="top:${top}px;${end.side}:${end.inset}px"
      @click=${(e: Event) => this.#toggleList(undefined, e.currentTarget as HTMLElement)}
    >
      <span aria-hidden="true" class="list-icon">☰</span>${i18n.number(count)}
    </button>`;
  }

  /**
   * The list toggle, the list panel, the move help and the live region: outside the overlay. The toggle
   * sits in the image content's top end corner: the right one, or the left one in a right-to-left language.
   */
  chromeTemplate(): TemplateResult {
    const o = this.source.rect();
    const i18n = this.source.i18n();
    const end = i18n.dir === 'rtl' ? { side: 'left' as const, inset: o.x + EDGE } : { side: 'right' as const, inset: Math.max(0, this.#host.clientWidth - (o.x + o.width)) + EDGE };
    const top = o.y + EDGE;
    return html`${this.#toggleTemplate(top, end)}
      ${this.#list?.panelTemplate(top, end, o) ?? nothing}
      <span id="${this.idPrefix}-move-help" class="visually-hidden">${i18n.text.markers.moveHelp}</span>
      <div class="visually-hidden" role="status" aria-live="polite" data-announce>${this.#message || nothing}</div>`;
  }
}

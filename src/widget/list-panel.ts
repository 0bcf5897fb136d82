/**
 * The `list` panel of every conversation and its `list-toggle`: each entry
 * shows its number, first words, author, replies, last message time and
 * whether it is resolved; a filter (open / resolved / all); the "hide resolved
 * on the image" switch. Opened from a cluster it lists only that cluster's
 * conversations. Choosing an entry closes the panel, focuses the marker and
 * opens its thread. Escape closes it and focus goes back where it came from.
 * Where the element is narrower than 768 px it is a full-screen sheet (modal:
 * Tab stays inside).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatView } from './chat-list.ts';
import type { Rect } from './geometry.ts';
import type { I18n } from './i18n/i18n.ts';
import { relativeTime } from './i18n/times.ts';
import type { LayerSource, MarkerLayer } from './marker-layer.ts';

/** Which side of the host the toggle and panel hang from, and how far in (px): the image's top end corner. */
export interface EndInset {
  readonly side: 'left' | 'right';
  readonly inset: number;
}

export type ListFilter = 'open' | 'resolved' | 'all';

const NARROW = 768;
/** The toggle's height on a touch screen, and the gap around it and the panel (px). */
const TOGGLE_SIZE = 44;
const EDGE = 8;
const MIN_HEIGHT = 240;
const FIRST_WORDS = 80;

/** What the list uses of the marker layer: its source, the numbers, the ids, and choosing a conversation. */
export type ListLayer = Pick<MarkerLayer, 'source' | 'numberOf' | 'choose' | 'idPrefix'>;

export class ListPanel implements ReactiveController {
  open = false;
  filter: ListFilter = 'all';
  /** Opened from a cluster: only these conversations. */
  scope: readonly string[] | undefined;
  /** Unique per element (MarkerLayer's): the panel's id, which the toggle controls. */
  readonly idPrefix: string;
  readonly #source: LayerSource;
  #returnTo: HTMLElement | undefined;
  #focusFirst = false;
  #lastOpen: string | undefined;
  readonly #layer: ListLayer;
  readonly #host: ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

  constructor(
    host: ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment },
    layer: ListLayer,
  ) {
    this.#host = host;
    this.#layer = layer;
    this.#source = layer.source;
    this.idPrefix = layer.idPrefix;
    host.addController(this);
  }

  /** A thread that opens closes the list: they would cover each other. */
  hostUpdate(): void {
    const open = this.#source.openId();
    if (open && open !== this.#lastOpen) this.hide(false);
    this.#lastOpen = open;
  }

  hostUpdated(): void {
    if (!this.#focusFirst) return;
    this.#focusFirst = false;
    const panel = this.#panel();
    const target = panel?.querySelector<HTMLElement>('.entry') ?? panel?.querySelector<HTMLElement>('input:checked') ?? panel?.querySelector<HTMLElement>('.close');
    target?.focus();
  }

  hostDisconnected(): void {
    this.open = false;
    this.scope = undefined;
  }

  #panel(): HTMLElement | null {
    return (this.#host.renderRoot as ShadowRoot).querySelector<HTMLElement>('[part~="list"]');
  }

  /** Opens the panel (only `scope`'s conversations when given); focus returns to `from` when it closes. */
  show(scope?: readonly string[], from?: HTMLElement): void {
    this.#source.closeThread();
    this.open = true;
    this.scope = scope;
    this.#returnTo = from;
    this.#focusFirst = true;
    this.#host.requestUpdate();
  }

  hide(restoreFocus: boolean): void {
    if (!this.open) return;
    this.open = false;
    this.scope = undefined;
    const to = this.#returnTo;
    this.#returnTo = undefined;
    this.#host.requestUpdate();
    if (restoreFocus && to?.isConnected) to.focus();
    else if (restoreFocus) (this.#host.renderRoot as ShadowRoot).querySelector<HTMLElement>('[part~="list-toggle"]')?.focus();
  }

  /** Is this cluster's list the one showing? */
  showing(ids: readonly string[]): boolean {
    return this.open && this.scope !== undefined && this.scope[0] === ids[0];
  }

  /** In number order: conversations made in one millisecond are otherwise ordered by id. */
  #entries(): readonly ChatView[] {
    const chats = [...this.#source.chats()].sort((a, b) => this.#layer.numberOf(a.id) - this.#layer.numberOf(b.id));
    if (this.scope) {
      const ids = new Set(this.scope);
      return chats.filter((c) => ids.has(c.id));
    }
    if (this.filter === 'open') return chats.filter((c) => !c.resolved);
    if (this.filter === 'resolved') return chats.filter((c) => c.resolved);
    return chats;
  }

  /**
   * The panel, or nothing while closed. On a wide element it hangs under the toggle (`toggleTop`, `end`),
   * as far down the image content (`content`) as it can, and never shorter than MIN_HEIGHT.
   */
  panelTemplate(toggleTop: number, end: EndInset, content: Rect): TemplateResult | typeof nothing {
    if (!this.open) return nothing;
    const top = toggleTop + TOGGLE_SIZE + EDGE;
    const maxHeight = Math.max(MIN_HEIGHT, content.y + content.height - top - EDGE);
    const i18n = this.#source.i18n();
    const t = i18n.text.list;
    const chats = this.#source.chats();
    const entries = this.#entries();
    const sheet = this.#host.clientWidth < NARROW;
    const resolvedCount = chats.filter((c) => c.resolved).length;
    const radio = (value: ListFilter, label: string) =>
      html`<label class="filter-option"
        ><input
          type="radio"
          name="filter"
          .checked=${this.filter === value}
          @change=${() => {
            this.filter = value;
            this.#host.requestUpdate();
          }}
        />${label}</label
      >`;
    const empty = this.filter === 'open' ? t.emptyOpen : this.filter === 'resolved' ? t.emptyResolved : t.emptyAll;
    const now = Date.now();
    return html`<section
      part="list"
      id=${this.idPrefix}
      class="list-panel ${sheet ? 'sheet' : ''}"
      role="dialog"
      aria-modal=${sheet ? 'true' : 'false'}
      aria-labelledby="${this.idPrefix}-title"
      style=${sheet ? '' : `top:${top}px;${end.side}:${end.inset}px;max-height:${maxHeight}px`}
      @keydown=${(e: KeyboardEvent) => this.#onKey(e, sheet)}
    >
      <div class="list-head">
        <h2 class="list-title" id="${this.idPrefix}-title">
          ${this.scope ? i18n.plural(t.scopedTitle, entries.length) : t.title}
        </h2>
        <button type="button" class="close icon" aria-label=${t.close} @click=${() => this.hide(true)}>×</button>
      </div>
      ${this.scope
        ? html`<button
            type="button"
            class="secondary show-all"
            @click=${() => {
              this.scope = undefined;
              this.#focusFirst = true;
              this.#host.requestUpdate();
            }}
          >
            ${t.showAll}
          </button>`
        : html`<fieldset class="list-filter">
              <legend>${t.filter}</legend>
              ${radio('open', i18n.format(t.open, { count: chats.length - resolvedCount }))}
              ${radio('resolved', i18n.format(t.resolved, { count: resolvedCount }))} ${radio('all', i18n.format(t.all, { count: chats.length }))}
            </fieldset>
            <label class="hide-resolved"
              ><input
                type="checkbox"
                .checked=${this.#source.hideResolved()}
                @change=${(e: Event) => this.#source.setHideResolved((e.target as HTMLInputElement).checked)}
              />${t.hideResolved}</label
            >`}
      ${entries.length === 0
        ? html`<p class="list-empty">${empty}</p>`
        : html`<ol class="list-entries">
            ${entries.map((c) => this.#entryTemplate(i18n, c, now))}
          </ol>`}
    </section>`;
  }

  #entryTemplate(i18n: I18n, c: ChatView, now: number): TemplateResult {
    const t = i18n.text.list;
    const number = this.#layer.numberOf(c.id);
    const first = c.comments[0]?.text ?? '';
    const text = first.length > FIRST_WORDS ? `${first.slice(0, FIRST_WORDS)}…` : first;
    const replyCount = Math.max(0, c.comments.length - 1);
    const replies = i18n.plural(t.replies, replyCount);
    const last = c.comments.reduce((t, m) => Math.max(t, m.createdAt), c.createdAt);
    const when = relativeTime(i18n, last, now);
    // The button's name is its text (what is seen is what is said): the number, author and state
    // shown as badges are given to screen readers once, as the sentence that opens it.
    return html`<li>
      <button type="button" class="entry" data-chat-id=${c.id} ?data-resolved=${c.resolved} @click=${() => this.#choose(c.id)}>
        <span class="badge" aria-hidden="true">${i18n.number(number)}</span>
        <span class="entry-body">
          <span class="visually-hidden">${i18n.format(c.resolved ? t.entryResolved : t.entry, { number, author: c.author.name })}</span>
          <span class="entry-text" dir="auto">${text}</span>
          <span class="entry-meta"
            ><span class="author" aria-hidden="true">${c.author.name}</span><span>${replies}</span
            ><time datetime=${new Date(last).toISOString()} aria-label=${i18n.format(t.lastMessage, { time: when })}
              >${when}</time
            >${c.resolved ? html`<span class="resolved-tag" aria-hidden="true">${t.resolvedTag}</span>` : nothing}</span
          >
        </span>
      </button>
    </li>`;
  }

  #choose(id: string): void {
    this.#returnTo = undefined;
    this.hide(false);
    void this.#layer.choose(id);
  }

  #onKey(e: KeyboardEvent, sheet: boolean): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.hide(true);
      return;
    }
    if (e.key !== 'Tab' || !sheet) return;
    // A full-screen sheet is modal: Tab goes round inside it.
    const focusable = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('button, input:checked, input[type="checkbox"]')].filter(
      (el) => !(el as HTMLButtonElement).disabled,
    );
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = (this.#host.renderRoot as ShadowRoot).activeElement;
    if (e.shiftKey && active === first) {
      e.preventDefault();
      last?.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first?.focus();
    }
  }
}

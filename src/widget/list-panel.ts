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
import { relativeTime } from './chat-thread.ts';
import { format, plural } from './text.ts';

const TEXT = {
  title: 'Conversations',
  scopedTitle: { one: '{count} conversation here', other: '{count} conversations here' },
  toggle: { one: '{count} conversation: show the list', other: '{count} conversations: show the list' },
  close: 'Close the list',
  showAll: 'Show all conversations',
  filter: 'Show',
  open: 'Open ({count})',
  resolved: 'Resolved ({count})',
  all: 'All ({count})',
  hideResolved: 'Hide resolved conversations on the image',
  replies: { zero: 'No replies', one: '{count} reply', other: '{count} replies' },
  resolvedTag: 'Resolved',
  entry: 'Conversation {number} by {author}:',
  entryResolved: 'Conversation {number} by {author}, resolved:',
  lastMessage: 'last message {time}',
  emptyAll: 'No conversations yet.',
  emptyOpen: 'No open conversations.',
  emptyResolved: 'No resolved conversations.',
};

export type ListFilter = 'open' | 'resolved' | 'all';

const NARROW = 768;
const FIRST_WORDS = 80;

export interface ListSource {
  chats(): readonly ChatView[];
  numberOf(id: string): number;
  locale(): string | undefined;
  hideResolved(): boolean;
  setHideResolved(hide: boolean): void;
  /** Closes the panel's rival (an open thread) before the panel opens. */
  closeThread(): void;
  /** Focuses the conversation's marker and opens its thread. */
  choose(id: string): void;
}

let lists = 0;

export class ListPanel implements ReactiveController {
  open = false;
  filter: ListFilter = 'all';
  /** Opened from a cluster: only these conversations. */
  scope: readonly string[] | undefined;
  private returnTo: HTMLElement | undefined;
  private focusFirst = false;
  /** Unique per element: ids of the panel and of the help text markers point to. */
  readonly idPrefix = `image-chat-list-${++lists}`;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment },
    private readonly source: ListSource,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    if (!this.focusFirst) return;
    this.focusFirst = false;
    const panel = this.panel();
    const target = panel?.querySelector<HTMLElement>('.entry') ?? panel?.querySelector<HTMLElement>('input:checked') ?? panel?.querySelector<HTMLElement>('.close');
    target?.focus();
  }

  hostDisconnected(): void {
    this.open = false;
    this.scope = undefined;
  }

  private panel(): HTMLElement | null {
    return (this.host.renderRoot as ShadowRoot).querySelector<HTMLElement>('[part~="list"]');
  }

  /** Opens the panel (only `scope`'s conversations when given); focus returns to `from` when it closes. */
  show(scope?: readonly string[], from?: HTMLElement): void {
    this.source.closeThread();
    this.open = true;
    this.scope = scope;
    this.returnTo = from;
    this.focusFirst = true;
    this.host.requestUpdate();
  }

  hide(restoreFocus: boolean): void {
    if (!this.open) return;
    this.open = false;
    this.scope = undefined;
    const to = this.returnTo;
    this.returnTo = undefined;
    this.host.requestUpdate();
    if (restoreFocus && to?.isConnected) to.focus();
    else if (restoreFocus) (this.host.renderRoot as ShadowRoot).querySelector<HTMLElement>('[part~="list-toggle"]')?.focus();
  }

  /** Is this cluster's list the one showing? */
  showing(ids: readonly string[]): boolean {
    return this.open && this.scope !== undefined && this.scope[0] === ids[0];
  }

  /** In number order: conversations made in one millisecond are otherwise ordered by id. */
  private entries(): readonly ChatView[] {
    const chats = [...this.source.chats()].sort((a, b) => this.source.numberOf(a.id) - this.source.numberOf(b.id));
    if (this.scope) {
      const ids = new Set(this.scope);
      return chats.filter((c) => ids.has(c.id));
    }
    if (this.filter === 'open') return chats.filter((c) => !c.resolved);
    if (this.filter === 'resolved') return chats.filter((c) => c.resolved);
    return chats;
  }

  /** The toggle, placed at the top end of the image content (`top`/`right` in px of the host). */
  toggleTemplate(top: number, right: number): TemplateResult | typeof nothing {
    const count = this.source.chats().length;
    // Nothing to list yet: the image's corner stays free for placing the first conversation there.
    if (count === 0 && !this.open) return nothing;
    return html`<button
      type="button"
      part="list-toggle"
      class="list-toggle"
      aria-controls=${this.idPrefix}
      aria-expanded=${this.open ? 'true' : 'false'}
      aria-label=${plural(this.source.locale(), TEXT.toggle, count)}
      style="top:${top}px;right:${right}px"
      @click=${(e: Event) => (this.open && !this.scope ? this.hide(false) : this.show(undefined, e.currentTarget as HTMLElement))}
    >
      <span aria-hidden="true" class="list-icon">☰</span>${count}
    </button>`;
  }

  /** The panel, or nothing while closed. `top`/`right`/`maxHeight` place it under the toggle (wide elements). */
  panelTemplate(top: number, right: number, maxHeight: number): TemplateResult | typeof nothing {
    if (!this.open) return nothing;
    const locale = this.source.locale();
    const chats = this.source.chats();
    const entries = this.entries();
    const sheet = this.host.clientWidth < NARROW;
    const resolvedCount = chats.filter((c) => c.resolved).length;
    const radio = (value: ListFilter, label: string) =>
      html`<label class="filter-option"
        ><input
          type="radio"
          name="filter"
          .checked=${this.filter === value}
          @change=${() => {
            this.filter = value;
            this.host.requestUpdate();
          }}
        />${label}</label
      >`;
    const empty = this.filter === 'open' ? TEXT.emptyOpen : this.filter === 'resolved' ? TEXT.emptyResolved : TEXT.emptyAll;
    const now = Date.now();
    return html`<section
      part="list"
      id=${this.idPrefix}
      class="list-panel ${sheet ? 'sheet' : ''}"
      role="dialog"
      aria-modal=${sheet ? 'true' : 'false'}
      aria-labelledby="${this.idPrefix}-title"
      style=${sheet ? '' : `top:${top}px;right:${right}px;max-height:${maxHeight}px`}
      @keydown=${(e: KeyboardEvent) => this.onKey(e, sheet)}
    >
      <div class="list-head">
        <h2 class="list-title" id="${this.idPrefix}-title">
          ${this.scope ? plural(locale, TEXT.scopedTitle, entries.length) : TEXT.title}
        </h2>
        <button type="button" class="close icon" aria-label=${TEXT.close} @click=${() => this.hide(true)}>×</button>
      </div>
      ${this.scope
        ? html`<button
            type="button"
            class="secondary show-all"
            @click=${() => {
              this.scope = undefined;
              this.focusFirst = true;
              this.host.requestUpdate();
            }}
          >
            ${TEXT.showAll}
          </button>`
        : html`<fieldset class="list-filter">
              <legend>${TEXT.filter}</legend>
              ${radio('open', format(TEXT.open, { count: chats.length - resolvedCount }))}
              ${radio('resolved', format(TEXT.resolved, { count: resolvedCount }))} ${radio('all', format(TEXT.all, { count: chats.length }))}
            </fieldset>
            <label class="hide-resolved"
              ><input
                type="checkbox"
                .checked=${this.source.hideResolved()}
                @change=${(e: Event) => this.source.setHideResolved((e.target as HTMLInputElement).checked)}
              />${TEXT.hideResolved}</label
            >`}
      ${entries.length === 0
        ? html`<p class="list-empty">${empty}</p>`
        : html`<ol class="list-entries">
            ${entries.map((c) => this.entryTemplate(c, locale, now))}
          </ol>`}
    </section>`;
  }

  private entryTemplate(c: ChatView, locale: string | undefined, now: number): TemplateResult {
    const number = this.source.numberOf(c.id);
    const first = c.comments[0]?.text ?? '';
    const text = first.length > FIRST_WORDS ? `${first.slice(0, FIRST_WORDS)}…` : first;
    const replyCount = Math.max(0, c.comments.length - 1);
    const replies = replyCount === 0 ? TEXT.replies.zero : plural(locale, TEXT.replies, replyCount);
    const last = c.comments.reduce((t, m) => Math.max(t, m.createdAt), c.createdAt);
    // The button's name is its text (what is seen is what is said): the number, author and state
    // shown as badges are given to screen readers once, as the sentence that opens it.
    return html`<li>
      <button type="button" class="entry" data-chat-id=${c.id} ?data-resolved=${c.resolved} @click=${() => this.choose(c.id)}>
        <span class="badge" aria-hidden="true">${number}</span>
        <span class="entry-body">
          <span class="visually-hidden">${format(c.resolved ? TEXT.entryResolved : TEXT.entry, { number, author: c.author.name })}</span>
          <span class="entry-text" dir="auto">${text}</span>
          <span class="entry-meta"
            ><span class="author" aria-hidden="true">${c.author.name}</span><span>${replies}</span
            ><time datetime=${new Date(last).toISOString()} aria-label=${format(TEXT.lastMessage, { time: relativeTime(last, now, locale) })}
              >${relativeTime(last, now, locale)}</time
            >${c.resolved ? html`<span class="resolved-tag" aria-hidden="true">${TEXT.resolvedTag}</span>` : nothing}</span
          >
        </span>
      </button>
    </li>`;
  }

  private choose(id: string): void {
    this.returnTo = undefined;
    this.hide(false);
    this.source.choose(id);
  }

  private onKey(e: KeyboardEvent, sheet: boolean): void {
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
    const active = (this.host.renderRoot as ShadowRoot).activeElement;
    if (e.shiftKey && active === first) {
      e.preventDefault();
      last?.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first?.focus();
    }
  }
}

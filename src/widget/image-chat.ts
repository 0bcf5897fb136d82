/**
 * `<image-chat>`: live conversations pinned to points of an image.
 *
 * ```html
 * <image-chat tenant="acme" src="/mockup.png" alt="Checkout mockup"></image-chat>
 * <image-chat tenant="acme"><img src="/mockup.png" alt="Checkout mockup"></image-chat>
 * ```
 *
 * @tagname image-chat
 * @attr src - Image to show (rendered as `part="image"`). Without it, a slotted `<img>` is used.
 * @attr alt - Text alternative of the image.
 * @attr server - Server origin (default: the origin this script was loaded from).
 * @attr tenant - Tenant id (default `demo`).
 * @attr image-id - Conversation key (default: the image's absolute URL without #fragment, hashed down when too long).
 * @attr user-name - Display name for a guest.
 * @attr user-token - SSO token: an HS256 JWT your site signs with the tenant's secret (docs/security.md).
 * @attr locale - UI language and locale of times and numbers: `en`, `da`, `he`, `de`, `es`, `fr`, `ar`, `ja` (a region such as
 *   `da-DK` is kept for formatting). Default: the nearest `lang` attribute, then the browser's languages, then English.
 *   Hebrew and Arabic lay out right to left; markers stay on their points.
 * @attr readonly - View only: no placing, no replies, no deleting.
 * @attr theme - `light` | `dark` | `auto` (default; follows `prefers-color-scheme`). Sets `data-theme` on the host.
 * @attr hide-resolved - Reflected: resolved conversations get no marker on the image (the list still has them).
 * @attr status - Reflected, read-only: `connecting` | `online` | `reconnecting` | `offline`.
 *
 * @csspart image - The `<img>` rendered from `src`.
 * @csspart overlay - Focusable layer exactly over the displayed image content (letterbox-aware).
 * @csspart marker - One `<button>` per conversation drawn on its own, with `data-chat-id`, `data-replies` (replies after the first message),
 *   `data-unread` (messages by others since this browser last opened it; absent when none), `data-pending`, `data-resolved`,
 *   `data-tip` (the corner on the point: `bottom-left`, `bottom-right`, `top-left`, `top-right`), `data-movable` (its viewer
 *   may drag it, or press M), `data-moving`. Its number is the server's (`Chat.number`), kept when others are deleted.
 * @csspart cluster - One `<button>` standing for markers that would overlap at the displayed size, with `data-count`;
 *   activating it lists them in the `list` panel.
 * @csspart list-toggle - Opens the `list` panel (top end corner of the image; shown once the image has a conversation).
 * @csspart presence - Who else is viewing the image (top start corner; not drawn while nobody else is): initials avatars
 *   (name as title, `data-guest` for guests), "+N" past 4, and "N viewing" (everyone, this viewer included); `data-count`
 *   (everyone viewing) and `data-others`. A viewer whose page has been hidden for a minute stops being counted.
 * @csspart typing - In the thread, a polite live region: "Ana is typing…", "Ana and Ben are typing…", "3 people are
 *   typing…"; empty (`data-count="0"`) while nobody else writes in the conversation.
 * @csspart list - The panel (role=dialog) listing every conversation, with the open / resolved / all filter and "hide
 *   resolved on the image"; a full-screen modal sheet where the element is under 768 px wide.
 * @csspart placing - The ghost marker while choosing a point from the keyboard or composing.
 * @csspart new-chat - The popup (role=dialog) holding the composer for a new conversation; a full-screen sheet (`data-sheet`, aria-modal) when the element is under 768px wide.
 * @csspart thread - The conversation popup (role=dialog); a full-screen sheet (`data-sheet`, aria-modal, with Back and close) when the element is under 768px wide.
 * @csspart comment - One message in a thread (`data-edited` once edited; its text has `dir="auto"`, URLs as links).
 * @csspart edit - Edits a message in place (its author's, or any for a moderator).
 * @csspart comment-delete - Deletes one of your own messages (not the first: delete the conversation instead).
 * @csspart composer - The text box (new conversation or reply).
 * @csspart send - The send button.
 * @csspart delete - Deletes the conversation (shown to its author only; asks first when others replied).
 * @csspart confirm - A question asked in place (role=alertdialog) before deleting a conversation others replied to or discarding a draft.
 * @csspart resolve - Resolves / reopens the conversation.
 * @csspart status - The polite live banner, sticky at the bottom of what shows of the element: "You are offline" (the browser is), "The server cannot be reached" with a countdown and Retry now, or a notice with Dismiss.
 *
 * @cssproperty [--image-chat-accent=#2563eb] - Buttons and markers.
 * @cssproperty [--image-chat-accent-fg=#ffffff] - Text on the accent colour.
 * @cssproperty [--image-chat-marker-color=var(--image-chat-accent)] - Marker fill.
 * @cssproperty [--image-chat-marker-fg=var(--image-chat-accent-fg)] - Marker number and border.
 * @cssproperty [--image-chat-marker-size=32px] - Marker size (at least 44px on a touch screen); clusters are 1.25 times it.
 * @cssproperty [--image-chat-marker-resolved-color=#6b7280] - Marker fill once resolved (`#9ca3af` in the dark theme).
 * @cssproperty [--image-chat-popup-bg=#ffffff] - Popup background.
 * @cssproperty [--image-chat-popup-fg=#111827] - Popup text.
 * @cssproperty [--image-chat-muted-fg=#6b7280] - Secondary text.
 * @cssproperty [--image-chat-border=#d1d5db] - Borders.
 * @cssproperty [--image-chat-danger=#b91c1c] - Errors and delete.
 * @cssproperty [--image-chat-focus-ring=#f59e0b] - Focus outline.
 * @cssproperty [--image-chat-font=system-ui, sans-serif] - Font family.
 * @cssproperty [--image-chat-font-size=14px] - Base font size.
 * @cssproperty [--image-chat-radius=10px] - Popup corner radius.
 * @cssproperty [--image-chat-popup-width=300px] - Popup width (kept inside the element).
 * @cssproperty [--image-chat-shadow=0 8px 28px rgba(0,0,0,.22)] - Popup shadow.
 * @cssproperty [--image-chat-link=var(--image-chat-accent)] - Links in messages.
 * @cssproperty [--image-chat-unread-color=#b91c1c] - A marker's badge when something is unread (dark: #f87171).
 * @cssproperty [--image-chat-unread-fg=#ffffff] - Text on it (dark: #0b1220).
 * @cssproperty [--image-chat-sheet-z-index=2147483000] - Stacking of the full-screen sheet where the browser has no top layer (popover) for it.
 *
 * @fires image-chat-created - `{chat, local}` a conversation appeared (local: made here, fired on the server's ack).
 * @fires image-chat-updated - `{chat, local}` a reply, edit, resolve or move (local: on ack).
 * @fires image-chat-deleted - `{chat, local}` a conversation was deleted (chat: its last known state).
 * @fires image-chat-status - `{status}` the connection state changed.
 * @fires image-chat-error - `{code, message, text}` an action failed or was refused: `message` is the server's English (for logs), `text` the sentence the banner shows in the element's language.
 *   The words for errors come with the element's lazily loaded parts: an error before they arrive fires once they have (with `text` in English if they cannot).
 */
import { LitElement, adoptStyles, html, nothing, supportsAdoptingStyleSheets } from 'lit';
import { styles } from './image-chat.styles.ts';
import { ChatSync } from './chat-sync.ts';
import type { ImageChatComposer, Refused } from './composer.ts';
import type { ImageChatThread } from './chat-thread.ts';
import { validateText } from './validate-text.ts';
import { loadParts, loadedParts, onParts, preloadParts, type Parts } from './parts-loader.ts';
import type { ChatView } from './chat-list.ts';
import type { Point } from './geometry.ts';
import type { ImageChatChangeDetail, ImageChatErrorDetail } from './templates.ts';
import { ImageBox } from './image-box.ts';
import { NoticeController } from './notice-controller.ts';
import { ThemeController, type Theme } from './theme-controller.ts';
import { imageIdFromUrl, imageScope } from './image-id.ts';
import { UnreadController } from './unread.ts';
import { MarkerLayer } from './marker-layer.ts';
import { markerStyles } from './markers.styles.ts';
import { StatusBanner, serverUnreachable } from './status-banner.ts';
import { statusBannerStyles } from './status-banner.styles.ts';
import type { NarrowController } from './narrow-controller.ts';
import type { NewChatController, OverlayEvent } from './new-chat.ts';
import type { ConnectionStatus } from '../sync/state.ts';
import { VERSION } from './define.ts';
import { LocaleController } from './i18n/locale-controller.ts';
import type { I18n } from './i18n/i18n.ts';
import { readonlyText } from './i18n/error-text.ts';
import type { RefusedAction, SyncErrorReport } from './chat-sync.ts';
import { PresenceController } from './presence.ts';
import type { ThreadPopup } from './thread-popup.ts';

export type { ImageChatChangeDetail, ImageChatErrorDetail, ImageChatStatus } from './templates.ts';

const DEFAULT_SERVER = (() => {
  try {
    return new URL(import.meta.url).origin;
  } catch {
    return globalThis.location?.origin ?? '';
  }
})();

export class ImageChat extends LitElement {
  /** The package version of this copy (a second copy of another version on the page warns). */
  static readonly version = VERSION;
  static override styles = [styles, markerStyles, statusBannerStyles];
  static override properties = {
    src: { type: String },
    alt: { type: String },
    server: { type: String },
    tenant: { type: String },
    imageId: { type: String, attribute: 'image-id' },
    userName: { type: String, attribute: 'user-name' },
    userToken: { type: String, attribute: 'user-token' },
    locale: { type: String },
    readonly: { type: Boolean, reflect: true },
    theme: { type: String },
    hideResolved: { type: Boolean, attribute: 'hide-resolved', reflect: true },
    status: { type: String, reflect: true },
    openChatId: { state: true },
    slotted: { state: true },
  };

  declare src: string | undefined;
  declare alt: string;
  declare server: string;
  declare tenant: string;
  declare imageId: string | undefined;
  declare userName: string | undefined;
  declare userToken: string | undefined;
  declare locale: string | undefined;
  declare readonly: boolean;
  declare theme: Theme;
  declare hideResolved: boolean;
  declare status: ConnectionStatus;
  declare private openChatId: string | undefined;
  declare private slotted: HTMLImageElement | undefined;

  private readonly sync: ChatSync;
  readonly #languages = new LocaleController(this, () => this.locale);
  readonly #box = new ImageBox(this);
  readonly #themes = new ThemeController(this, () => this.theme);
  readonly #notice = new NoticeController(this);
  readonly #unread = new UnreadController(this, () => ({ scope: this.#scope, chats: this.sync.chats, open: this.openChatId, me: this.sync.user?.id }));
  readonly #markers = new MarkerLayer(this, {
    chats: () => this.sync.chats,
    rect: () => this.#box.rect,
    user: () => this.sync.user,
    canAct: () => !this.viewOnly && this.status === 'online',
    openId: () => this.openChatId,
    hideResolved: () => this.hideResolved,
    setHideResolved: (hide) => (this.hideResolved = hide),
    i18n: () => this.i18n,
    unread: (chat) => this.#unread.count(chat),
    open: (id) => void (this.openChatId === id || this.#openThread(id)),
    closeThread: () => this.openChatId && this.#closeThread(false),
    move: (id, x, y) => (this.viewOnly ? this.#viewOnlyReason : this.#said(this.sync.update(id, { kind: 'move', x, y }))),
    needParts: () => this.#needParts(),
  });
  /** Whether popups open as sheets: it comes with the parts, which are the only ones to open any. */
  #narrow: NarrowController | undefined;
  /** Placing and composing a new conversation: it comes with the parts (#partsAttached). */
  #newChat: NewChatController | undefined;
  /** Set once the parts most visitors never open have arrived (parts.ts). */
  #withParts = false;
  #offParts: (() => void) | undefined;
  readonly #banner = new StatusBanner(this, {
    notice: this.#notice,
    state: () => this.sync.state,
    viewOnly: () => (!this.readonly && this.sync.user?.readonly ? this.#viewOnlyReason : undefined),
    retryNow: () => this.sync.retryNow(),
    refocus: () => this.#overlayEl?.focus(),
    i18n: () => this.i18n,
    refusal: (facts) => {
      const parts = loadedParts();
      if (parts) return parts.errorReason(this.i18n, facts, { server: this.server || DEFAULT_SERVER, tenant: this.tenant || 'demo' });
      // The words come with the parts: nothing until they arrive, the server's English if they cannot.
      if (!this.#wordsFailed) loadParts().catch(() => ((this.#wordsFailed = true), this.requestUpdate()));
      return this.#wordsFailed ? undefined : '';
    },
  });
  /** The parts (and with them the words for a refusal) could not be fetched. */
  #wordsFailed = false;
  readonly #presence = new PresenceController(this, {
    presence: () => this.sync.presence,
    me: () => this.sync.user?.id,
    i18n: () => this.i18n,
    sendHere: (here) => this.sync.here(here),
  });
  /** The open conversation's popup: it comes with the parts (#partsAttached). */
  #threads: ThreadPopup | undefined;
  #refocus = false;
  /** The open thread's number as last shown: the banner names it once the conversation is gone. */
  #openNumber = 0;

  constructor() {
    super();
    // Pointing at, touching or tabbing into the element comes before opening anything: fetch the parts then.
    for (const type of ['pointerover', 'touchstart', 'focusin']) this.addEventListener(type, () => void loadParts().catch(() => undefined), { passive: true });
    // The properties left out start undefined.
    this.alt = '';
    this.server = DEFAULT_SERVER;
    this.tenant = 'demo';
    this.readonly = false;
    this.theme = 'auto';
    this.hideResolved = false;
    this.status = 'connecting';
    this.sync = new ChatSync(this, {
      status: (status) => this.#onStatus(status),
      change: (kind, chat, local, tempId) => {
        if (tempId && this.openChatId === tempId) this.openChatId = chat.id;
        // Someone else deleted the thread being read: it closes (willUpdate), and the banner says why.
        const parts = loadedParts();
        if (parts && kind === 'deleted' && !local && chat.id === this.openChatId) this.#notice.show(parts.goneText(this.i18n, this.#openNumber));
        // Drafts are written by the parts' text boxes: without the parts on this page, one left from earlier in the tab stays.
        if (parts && kind === 'deleted') parts.drafts.clear(parts.draftKey(this.#scope, chat.id));
        this.#fire(`image-chat-${kind}`, { chat, local } satisfies ImageChatChangeDetail);
      },
      error: (code, message, report) => {
        const say = (text: string) => {
          this.#notice.show(text);
          this.#fire('image-chat-error', { code, message, text } satisfies ImageChatErrorDetail);
        };
        // The words for errors come with the parts: an error before they arrive is said once they have.
        const parts = loadedParts();
        if (parts) say(this.#errorText(parts, report));
        else loadParts().then((p) => say(this.#errorText(p, report)), () => say(report.message));
      },
    });
  }

  /** The language this element speaks now (the `locale` attribute, the nearest `lang`, the browser's, or English). */
  get i18n(): I18n {
    return this.#languages.i18n;
  }

  /** Resolves once the language chosen now has loaded and is the one spoken. */
  get localeReady(): Promise<void> {
    return this.#languages.ready.then(() => this.updateComplete).then(() => undefined);
  }

  /** The conversations as shown (including our unconfirmed ones), oldest first. */
  get chats(): readonly ChatView[] {
    return this.sync.chats;
  }

  /** True once the server's snapshot of this image has been applied. */
  get loaded(): boolean {
    return this.sync.list.loaded;
  }

  /** The image id in use: `image-id`, or derived from the image URL. */
  get effectiveImageId(): string {
    if (this.imageId) return this.imageId;
    const url = this.src || this.slotted?.getAttribute('src');
    return url ? imageIdFromUrl(url) : '';
  }

  /**
   * View only: the `readonly` attribute, or an identity the server made
   * read-only (a read-only token, or a guest where guests may only view). The
   * server refuses such actions anyway; this keeps the UI from offering them.
   */
  get viewOnly(): boolean {
    return this.readonly || !!this.sync.user?.readonly;
  }

  get #viewOnlyReason(): string {
    return this.readonly ? this.i18n.text.status.readonlyImage : readonlyText(this.i18n, this.sync.user?.readonlyWhy);
  }

  /**
   * Starts a conversation at fractions (x, y) of the image. Returns why it was refused, or undefined;
   * `refused` hears why it was refused after that (by the server, or, asked for before the element's
   * lazily loaded parts arrived, when they had).
   */
  createChat(x: number, y: number, text: string, refused?: Refused): string | undefined {
    if (this.viewOnly) return this.#viewOnlyReason;
    return validateText(this.i18n, text) ?? this.#actWithParts(() => this.#said(this.sync.create(x, y, text, this.#worded(refused))), refused);
  }

  /** Deletes a conversation. Returns why it was refused, or undefined once sent (see createChat). */
  deleteChat(chatId: string): string | undefined {
    if (this.viewOnly) return this.#viewOnlyReason;
    return this.#actWithParts(() => this.#said(this.sync.remove(chatId)));
  }

  /** Replies to a conversation. Returns why it was refused, or undefined once sent (see createChat). */
  reply(chatId: string, text: string, refused?: Refused): string | undefined {
    if (this.viewOnly) return this.#viewOnlyReason;
    return validateText(this.i18n, text) ?? this.#actWithParts(() => this.#said(this.sync.update(chatId, { kind: 'add-comment', text }, this.#worded(refused))), refused);
  }

  /**
   * Acting comes with the lazily loaded parts (the element's own buttons come with them). An action asked
   * for through these methods before they have arrived is made once they have, and undefined is returned
   * now, as for one sent: a refusal then comes to `refused`, and the banner says it, as for one the
   * server refuses. Nothing is kept past that: parts that cannot be fetched refuse it.
   */
  #actWithParts(act: () => string | undefined, refused?: Refused): string | undefined {
    if (this.#partsAttached()) return act();
    void this.#needParts().then((here) => {
      const refusal = here && this.#partsAttached() ? act() : this.i18n.text.status.partsFailed;
      if (refusal) refused?.(refusal);
    });
    return undefined;
  }

  /** An error in the reader's words (i18n/error-reason.ts, with the parts). */
  #errorText(parts: Parts, report: SyncErrorReport): string {
    return report.action ? parts.errorSentence(this.i18n, report.action, report) : parts.errorReason(this.i18n, report, { server: this.server, tenant: this.tenant });
  }

  /** An action refused at once, in the reader's words (undefined: it was sent). Only actions made with the parts here come to it. */
  #said(report: SyncErrorReport | undefined): string | undefined {
    return report && this.#errorText(loadedParts()!, report);
  }

  /** Hands a refusal that comes later to `refused` in the reader's words. */
  #worded(refused: Refused | undefined): RefusedAction | undefined {
    return refused && ((_, report) => refused(this.#said({ ...report, action: undefined })!));
  }

  /** Where this image's drafts and unread record are kept. */
  get #scope(): string {
    const image = this.effectiveImageId;
    return image ? imageScope(this.server || DEFAULT_SERVER, this.tenant || 'demo', image) : '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#offParts = onParts(() => this.requestUpdate());
    if (this.hasUpdated) this.#reconnect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#threads?.typing.stop();
    this.#offParts?.();
  }

  /**
   * Attaches the parts if they have arrived and are not yet: their styles join this element's; acting on
   * the conversations, the sheet's focus handling, the thread popup and placing a new conversation start.
   * Whether they are attached.
   */
  #partsAttached(): boolean {
    const parts = loadedParts();
    if (!parts || this.#withParts) return this.#withParts;
    this.#withParts = true;
    this.sync.acting = parts.chatActions;
    const own = (this.constructor as typeof ImageChat).elementStyles;
    // Where shadow roots cannot adopt sheets, adoptStyles appends <style> elements: only the new ones.
    adoptStyles(this.renderRoot as ShadowRoot, supportsAdoptingStyleSheets ? [...own, ...parts.partStyles] : parts.partStyles);
    this.#narrow = new parts.NarrowController(this);
    new parts.SheetController(this, () => (this.openChatId ? this.#closeThread(true) : this.#newChat?.cancel()));
    this.#threads = new parts.ThreadPopup((chatId, stop) => this.sync.typing(chatId, stop));
    this.#newChat = new parts.NewChatController(this, {
      viewOnly: () => this.viewOnly,
      threadOpen: () => this.openChatId !== undefined,
      closeThread: () => this.#closeThread(false),
      create: (at, text, refused) => this.createChat(at.x, at.y, text, refused),
      overlay: () => this.#overlayEl,
    });
    this.#markers.attach(parts);
    return true;
  }

  /** A click or key on the image: placing a new conversation. */
  readonly #onOverlay = (e: OverlayEvent): void => {
    const overlay = e.currentTarget as HTMLElement;
    if (this.#partsAttached()) return e.type === 'click' ? this.#newChat!.onClick(e) : this.#newChat!.onKey(e);
    // Before the parts arrive (a slow network, a click at once): handed on once they have, as read now.
    if (e.target !== overlay || (e.type !== 'click' && e.key !== 'Enter')) return;
    const { type, clientX, clientY } = e;
    const again = { type, target: overlay, currentTarget: overlay, clientX, clientY, key: 'Enter', shiftKey: false, preventDefault() {} };
    void this.#needParts().then((ok) => ok && this.#onOverlay(again));
  };

  /** The parts, fetched if need be; a fetch that fails is said in the banner. */
  async #needParts(): Promise<boolean> {
    try {
      await loadParts();
      return true;
    } catch {
      this.#notice.show(this.i18n.text.status.partsFailed);
      return false;
    }
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('theme')) this.#themes.apply();
    this.#partsAttached();
    if (this.openChatId && !this.sync.chats.some((c) => c.id === this.openChatId)) {
      // The open conversation is gone (deleted here or elsewhere): close it, keep focus in the element.
      this.#refocus = !!this.renderRoot.querySelector('[part~="thread"]')?.matches(':focus-within');
      this.openChatId = undefined;
    }
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    const keys = ['server', 'tenant', 'userName', 'userToken', 'readonly', 'imageId', 'src', 'slotted'];
    if (keys.some((k) => changed.has(k))) this.#reconnect();
    this.#box.track(this.#image);
    if (this.#refocus) {
      this.#refocus = false;
      this.#overlayEl?.focus();
    }
  }

  #reconnect(): void {
    if (!this.isConnected) return;
    this.sync.connect({
      server: this.server || DEFAULT_SERVER,
      tenant: this.tenant || 'demo',
      name: this.userName || undefined,
      image: this.effectiveImageId,
      token: this.userToken || undefined,
      readonly: this.readonly,
    });
  }

  #fire(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  #onStatus(status: ConnectionStatus): void {
    this.status = status;
    if (status === 'online') preloadParts();
    this.#fire('image-chat-status', { status });
  }

  get #image(): HTMLImageElement | undefined {
    return this.src ? (this.renderRoot.querySelector<HTMLImageElement>('img[part~="image"]') ?? undefined) : this.slotted;
  }

  #onSlotChange(e: Event): void {
    const slot = e.target as HTMLSlotElement;
    let img: HTMLImageElement | undefined;
    for (const el of slot.assignedElements({ flatten: true })) {
      img = el instanceof HTMLImageElement ? el : (el.querySelector('img') ?? undefined);
      if (img) break;
    }
    this.slotted = img;
  }

  // ------------------------------------------------------------ placing

  get #overlayEl(): HTMLElement | null {
    return this.renderRoot.querySelector('[part~="overlay"]');
  }

  // ------------------------------------------------------------ threads

  async #openThread(chatId: string): Promise<void> {
    if (!loadedParts() && !(await this.#needParts())) return;
    this.#threads?.typing.stop();
    this.#newChat?.stop();
    this.openChatId = this.openChatId === chatId ? undefined : chatId;
    await this.updateComplete;
    if (!this.openChatId) return;
    const thread = this.renderRoot.querySelector<ImageChatThread>('[part~="thread"]');
    await thread?.updateComplete;
    thread?.focus();
  }

  #closeThread(restoreFocus: boolean): void {
    this.#threads?.typing.stop();
    const id = this.openChatId;
    this.openChatId = undefined;
    if (!restoreFocus || !id) return;
    (this.#markers.markerEl(id) ?? this.#markers.clusterEl(id) ?? this.#overlayEl)?.focus();
  }

  // ------------------------------------------------------------ render

  #popupStyle(parts: Parts, at: Point): string {
    const width = parseFloat(getComputedStyle(this).getPropertyValue('--image-chat-popup-width')) || 300;
    return parts.popupStyle(this.#box.rect, at, width, { width: this.clientWidth, height: this.clientHeight });
  }

  override render() {
    const o = this.#box.rect;
    const parts = this.#withParts ? loadedParts() : undefined;
    const open = parts && this.sync.chats.find((c) => c.id === this.openChatId);
    if (open) this.#openNumber = this.#markers.numberOf(open.id);
    const sheet = !!this.#narrow?.narrow;
    const overlayLabel = this.#markers.overlayLabel(this.alt || this.slotted?.alt, this.viewOnly);
    const i18n = this.i18n;
    const newChat = this.#newChat;
    // `lang` and `dir` on a box that does not lay anything out: the widget's own text follows them, the page's image does not.
    return html`<div class="i18n" lang=${i18n.locale} dir=${i18n.dir}>
      ${this.src ? html`<img part="image" src=${this.src} alt=${this.alt} @load=${() => this.#box.measure()} />` : html`<slot @slotchange=${this.#onSlotChange}></slot>`}
      <div
        part="overlay"
        tabindex="0"
        role="group"
        aria-label=${overlayLabel}
        style="left:${o.x}px;top:${o.y}px;width:${o.width}px;height:${o.height}px"
        @click=${this.#onOverlay}
        @keydown=${this.#onOverlay}
      >
        ${this.#markers.markersTemplate((id) => this.#openThread(id))} ${newChat?.ghostTemplate()}
      </div>
      ${parts && newChat?.popup(i18n, sheet ? undefined : (at) => this.#popupStyle(parts, at), this.status, serverUnreachable(this.sync.state), this.#scope)}
      ${open
        ? this.#threads!.render({
            i18n,
            chat: open,
            number: this.#openNumber,
            label: this.#markers.threadLabel(open),
            sheet,
            style: sheet ? undefined : this.#popupStyle(parts, open),
            user: this.sync.user,
            status: this.status,
            readonly: this.viewOnly,
            scope: this.#scope,
            serverUnreachable: serverUnreachable(this.sync.state),
            typists: this.sync.typists.get(open.id) ?? [],
            reply: (text, refused) => this.reply(open.id, text, refused),
            update: (change, refused) => (this.viewOnly ? this.#viewOnlyReason : this.#said(this.sync.update(open.id, change, this.#worded(refused)))),
            deleteChat: () => this.deleteChat(open.id),
            close: (restoreFocus) => this.#closeThread(restoreFocus),
          })
        : nothing}
      ${this.#markers.chromeTemplate()}
      ${i18n.dir === 'rtl' ? this.#presence.badge('right', Math.max(0, this.clientWidth - (o.x + o.width)) + 8, o.y + 8) : this.#presence.badge('left', o.x + 8, o.y + 8)}
      ${this.#banner.render()}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'image-chat': ImageChat;
    'image-chat-thread': ImageChatThread;
    'image-chat-composer': ImageChatComposer;
  }
}

/**
 * <image-chat-thread>: the popup of one conversation. It renders into the
 * light DOM of its place inside <image-chat>'s shadow root, so its parts
 * (`comment`, `composer`, `send`, `delete`, …) are parts of <image-chat> and
 * are styled by it. <image-chat> hands it everything as one `context` property
 * (the open conversation, the reader, the actions), set on each of its renders.
 */
import { LitElement, html, nothing } from 'lit';
import type { ThreadContext } from './context.ts';
import { composerTemplate } from './composer.ts';
import { validateText } from './validate-text.ts';
import { relativeTime } from './i18n/times.ts';
import type { ChatView, CommentView } from './chat-list.ts';
import { blockedReason } from './popups.ts';
import { commentTemplate, type Editing } from './comment-view.ts';
import { confirmTemplate, focusConfirm } from './confirm.ts';
import { FocusTrap } from './focus-trap.ts';
import { draftKey } from './draft-store.ts';
import { backButton } from './sheet.ts';
import { typingTemplate } from './presence-view.ts';

export class ImageChatThread extends LitElement {
  static override properties = { context: { attribute: false }, hint: { state: true }, editing: { state: true }, confirming: { state: true } };
  /** What <image-chat> hands down: the open conversation (none: nothing is drawn) and what may be done to it. */
  declare context: ThreadContext | undefined;
  declare hint: string | undefined;
  /** The comment being edited in place. */
  declare editing: Editing | undefined;
  /** Asking before deleting a conversation others replied to. */
  declare confirming: boolean;
  /** The conversation drawn last: another one resets what was going on in this one. */
  private shown: string | undefined;
  /** Show the newest message after this update: a thread just opened, or the list was at its end. */
  private scrollToEnd = false;

  constructor() {
    super();
    this.hint = undefined;
    this.editing = undefined;
    this.confirming = false;
    this.context = undefined;
    new FocusTrap(this);
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** Done once the composers inside have drawn too, so `focus()` finds the reply box. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    await Promise.all([...this.querySelectorAll('image-chat-composer')].map((c) => (c as LitElement).updateComplete));
    return done;
  }

  /** Moves focus into the thread: the reply box, or the close button when there is none. */
  override focus(): void {
    const target = this.querySelector<HTMLElement>('textarea[part~="composer"]:enabled') ?? this.querySelector<HTMLElement>('.close');
    target?.focus();
  }

  private run(action: () => string | undefined): boolean {
    this.hint = action();
    return this.hint === undefined;
  }

  protected override willUpdate(): void {
    const id = this.context?.chat?.id;
    if (id !== this.shown) {
      this.shown = id;
      this.hint = undefined;
      this.editing = undefined;
      this.confirming = false;
      this.scrollToEnd = true;
    }
    const list = this.querySelector('.comments');
    if (list && list.scrollTop + list.clientHeight >= list.scrollHeight - 4) this.scrollToEnd = true;
  }

  protected override updated(): void {
    const list = this.querySelector('.comments');
    if (this.scrollToEnd && list) {
      this.scrollToEnd = false;
      list.scrollTop = list.scrollHeight;
    }
  }

  private async focusIn(selector: string): Promise<void> {
    await this.updateComplete;
    this.querySelector<HTMLElement>(selector)?.focus();
  }

  private startEdit(c: CommentView): void {
    this.editing = { id: c.id, text: c.text };
    void this.focusIn(`[data-comment-id="${CSS.escape(c.id)}"] textarea`);
  }

  private endEdit(id: string): void {
    this.editing = undefined;
    void this.focusIn(`[data-comment-id="${CSS.escape(id)}"] [part~="edit"]`);
  }

  private save(ctx: ThreadContext, c: CommentView, text: string): boolean {
    if (text === c.text) {
      this.endEdit(c.id);
      return true;
    }
    const id = c.id;
    const why =
      validateText(ctx.i18n, text) ??
      ctx.editComment(id, text, (reason) => {
        // Back into the box, as it was sent, with the reason; saving again is the retry.
        if (this.context?.chat?.comments.some((m) => m.id === id)) this.editing = { id, text, error: ctx.i18n.format(ctx.i18n.text.thread.notSaved, { reason }) };
      });
    if (why !== undefined) {
      this.editing = { id, text, error: why };
      return false;
    }
    this.endEdit(id);
    return true;
  }

  private deleteComment(ctx: ThreadContext, id: string): void {
    if (this.run(() => ctx.deleteComment(id))) void this.updateComplete.then(() => this.focus());
  }

  /** Deletes at once what only this user wrote in; asks first when others replied. */
  private deleteChat(ctx: ThreadContext, chat: ChatView): void {
    const me = ctx.user?.id;
    if (chat.comments.some((c) => c.author.id !== me)) {
      this.confirming = true;
      void this.updateComplete.then(() => focusConfirm(this));
    } else {
      this.run(() => ctx.deleteChat());
    }
  }

  private keep(): void {
    this.confirming = false;
    void this.focusIn('[part~="delete"]');
  }

  private comment(c: CommentView, index: number, ctx: ThreadContext, now: number, blocked: boolean) {
    const mine = ctx.user !== undefined && (c.author.id === ctx.user.id || ctx.user.role !== undefined);
    return commentTemplate({
      comment: c,
      first: index === 0,
      mayChange: mine && !ctx.readonly && !ctx.chat?.unsaved && ctx.status === 'online',
      editing: this.editing,
      blocked,
      i18n: ctx.i18n,
      when: relativeTime(ctx.i18n, c.createdAt, now),
      onEdit: () => this.startEdit(c),
      onDelete: () => this.deleteComment(ctx, c.id),
      onSave: (text) => this.save(ctx, c, text),
      onCancelEdit: () => this.endEdit(c.id),
    });
  }

  override render() {
    const ctx = this.context;
    const chat = ctx?.chat;
    if (!ctx || !chat) return nothing;
    const now = Date.now();
    const user = ctx.user;
    const isAuthor = user !== undefined && (chat.author.id === user.id || user.role !== undefined);
    const first = chat.comments[0];
    // Offline the thread stays readable; every action is disabled, with the reason in words.
    const { i18n } = ctx;
    const t = i18n.text.thread;
    const blocked = blockedReason(i18n, ctx.status, ctx.serverUnreachable);
    const locked = chat.unsaved || blocked !== undefined;
    return html`<div class="thread-head">
        ${ctx.sheet ? backButton(i18n, () => ctx.close()) : nothing}
        <h2 class="title" id="thread-title">
          <span class="badge">${i18n.number(ctx.number)}</span> <bdi>${first ? first.author.name : chat.author.name}</bdi>
          ${chat.resolved ? html`<span class="resolved-tag">${t.resolved}</span>` : nothing}
        </h2>
        <button type="button" class="close icon" aria-label=${t.close} @click=${() => ctx.close()}>×</button>
      </div>
      <ol class="comments" tabindex="0" aria-label=${t.messages}>
        ${chat.comments.map((c, i) => this.comment(c, i, ctx, now, blocked !== undefined))}
      </ol>
      ${typingTemplate(i18n, ctx.typing ?? [])}
      ${ctx.readonly
        ? nothing
        : html`${composerTemplate({
              i18n,
              label: t.reply,
              placeholder: chat.unsaved ? t.saving : t.replyPlaceholder,
              sendLabel: t.reply,
              error: this.hint ?? blocked,
              disabled: locked,
              draftKey: draftKey(ctx.scope, chat.id),
              onSend: (text, refused) => this.run(() => ctx.reply(text, refused)),
              onCancel: () => ctx.close(),
              onInput: (text) => {
                if (this.hint) this.hint = undefined;
                ctx.drafting?.(text);
              },
            })}
            ${this.confirming
              ? confirmTemplate({
                  id: 'thread-delete',
                  question: t.deleteQuestion,
                  detail: t.deleteDetail,
                  confirmLabel: t.delete,
                  keepLabel: t.keep,
                  onConfirm: () => {
                    this.confirming = false;
                    this.run(() => ctx.deleteChat());
                  },
                  onKeep: () => this.keep(),
                })
              : html`<div class="thread-actions">
                  <button
                    type="button"
                    part="resolve"
                    class="secondary"
                    ?disabled=${locked}
                    @click=${() => this.run(() => ctx.setResolved(!chat.resolved))}
                  >
                    ${chat.resolved ? t.reopen : t.resolve}
                  </button>
                  ${isAuthor
                    ? html`<button type="button" part="delete" class="danger" ?disabled=${locked} @click=${() => this.deleteChat(ctx, chat)}>
                        ${t.delete}
                      </button>`
                    : nothing}
                </div>`}`}`;
  }
}

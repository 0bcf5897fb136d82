/**
 * <image-chat-thread>: the popup of one conversation. It renders into the
 * light DOM of its place inside <image-chat>'s shadow root, so its parts
 * (`comment`, `composer`, `send`, `delete`, …) are parts of <image-chat> and
 * are styled by it. It receives everything through @lit/context.
 */
import { LitElement, html, nothing } from 'lit';
import { ContextConsumer } from '@lit/context';
import { threadContext, type ThreadContext } from './context.ts';
import { composerTemplate } from './composer.ts';
import type { CommentView } from './chat-list.ts';
import { blockedReason } from './templates.ts';
import { backButton } from './sheet.ts';

export function relativeTime(ms: number, now: number, locale: string | undefined): string {
  const seconds = Math.round((ms - now) / 1000);
  const abs = Math.abs(seconds);
  let fmt: Intl.RelativeTimeFormat;
  try {
    fmt = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  } catch {
    fmt = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  }
  if (abs < 45) return fmt.format(0, 'second');
  if (abs < 3600) return fmt.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return fmt.format(Math.round(seconds / 3600), 'hour');
  if (abs < 86400 * 30) return fmt.format(Math.round(seconds / 86400), 'day');
  if (abs < 86400 * 365) return fmt.format(Math.round(seconds / (86400 * 30)), 'month');
  return fmt.format(Math.round(seconds / (86400 * 365)), 'year');
}

export class ImageChatThread extends LitElement {
  static override properties = { hint: { state: true } };
  declare hint: string | undefined;
  private readonly ctx: ContextConsumer<typeof threadContext, ImageChatThread>;

  constructor() {
    super();
    this.hint = undefined;
    this.ctx = new ContextConsumer(this, { context: threadContext, subscribe: true });
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** Moves focus into the thread: the reply box, or the close button when there is none. */
  override focus(): void {
    const target = this.querySelector<HTMLElement>('textarea[part~="composer"]') ?? this.querySelector<HTMLElement>('.close');
    target?.focus();
  }

  private run(action: () => string | undefined): boolean {
    this.hint = action();
    return this.hint === undefined;
  }

  private comment(c: CommentView, ctx: ThreadContext, now: number) {
    const mine = ctx.user !== undefined && (c.author.id === ctx.user.id || ctx.user.role !== undefined);
    const when = new Date(c.createdAt);
    return html`<li part="comment" data-comment-id=${c.id} ?data-pending=${c.pending}>
      <div class="meta">
        <span class="author">${c.author.name}</span>
        <time datetime=${when.toISOString()} title=${when.toLocaleString(ctx.locale)}
          >${relativeTime(c.createdAt, now, ctx.locale)}${c.editedAt ? ' · edited' : ''}</time
        >
        ${c.pending ? html`<span class="pending-note">sending…</span>` : nothing}
        ${mine && !ctx.readonly && !c.pending && !ctx.chat?.unsaved && ctx.status === 'online'
          ? html`<button
              type="button"
              part="comment-delete"
              class="link"
              aria-label="Delete this message"
              @click=${() => this.run(() => ctx.deleteComment(c.id))}
            >
              Delete
            </button>`
          : nothing}
      </div>
      <p class="text">${c.text}</p>
    </li>`;
  }

  override render() {
    const ctx = this.ctx.value;
    const chat = ctx?.chat;
    if (!ctx || !chat) return nothing;
    const now = Date.now();
    const user = ctx.user;
    const isAuthor = user !== undefined && (chat.author.id === user.id || user.role !== undefined);
    const first = chat.comments[0];
    // Offline the thread stays readable; every action is disabled, with the reason in words.
    const blocked = blockedReason(ctx.status, ctx.serverUnreachable);
    const locked = chat.unsaved || blocked !== undefined;
    return html`<div class="thread-head">
        ${ctx.sheet ? backButton(() => ctx.close()) : nothing}
        <h2 class="title" id="thread-title">
          <span class="badge">${ctx.number}</span> ${first ? first.author.name : chat.author.name}
          ${chat.resolved ? html`<span class="resolved-tag">Resolved</span>` : nothing}
        </h2>
        <button type="button" class="close icon" aria-label="Close conversation" @click=${() => ctx.close()}>×</button>
      </div>
      <ol class="comments">
        ${chat.comments.map((c) => this.comment(c, ctx, now))}
      </ol>
      ${ctx.readonly
        ? nothing
        : html`${composerTemplate({
              label: 'Reply',
              placeholder: chat.unsaved ? 'Saving…' : 'Reply…',
              sendLabel: 'Reply',
              error: this.hint ?? blocked,
              disabled: locked,
              onSend: (text) => this.run(() => ctx.reply(text)),
              onCancel: () => ctx.close(),
              onInput: () => {
                if (this.hint) this.hint = undefined;
              },
            })}
            <div class="thread-actions">
              <button
                type="button"
                part="resolve"
                class="secondary"
                ?disabled=${locked}
                @click=${() => this.run(() => ctx.setResolved(!chat.resolved))}
              >
                ${chat.resolved ? 'Reopen' : 'Resolve'}
              </button>
              ${isAuthor
                ? html`<button
                    type="button"
                    part="delete"
                    class="danger"
                    ?disabled=${locked}
                    @click=${() => this.run(() => ctx.deleteChat())}
                  >
                    Delete conversation
                  </button>`
                : nothing}
            </div>`}`;
  }
}

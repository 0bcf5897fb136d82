/**
 * `<dashboard-recent-chats>`: the conversations with the latest activity,
 * their text, authors and times, a link to the page each was started on, and
 * buttons to delete a conversation or one reply. Deleting is the app's job:
 * this element only asks for it (`dashboard-delete`).
 *
 * @csspart chat - One conversation (carrying `data-chat-id`).
 * @csspart comment - One message (carrying `data-comment-id`).
 * @csspart delete-chat - Asks to delete the conversation.
 * @csspart delete-comment - Asks to delete one reply (the opening message goes with its conversation).
 *
 * @fires dashboard-delete - `DeleteRequest` the moderator asked to delete a conversation or a comment.
 */
import { LitElement, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Comment } from '../../protocol/messages.ts';
import type { RecentChat } from '../api.ts';
import { excerpt, formatLocal, httpUrl } from '../format.ts';
import { styles } from './recent-chats.styles.ts';

export interface DeleteRequest {
  readonly image: string;
  readonly chatId: string;
  /** Set for one comment; unset for the whole conversation. */
  readonly commentId?: string;
  /** What is being deleted, in words, for the confirmation. */
  readonly what: string;
}

/** Replies shown at once; more are folded under a disclosure, so twenty conversations stay a short list. */
const OPEN_REPLIES = 1;

export class DashboardRecentChats extends LitElement {
  static override styles = styles;
  static override properties = {
    chats: { attribute: false },
    busy: {},
  };

  declare chats: readonly RecentChat[] | undefined;
  /** The conversation or comment id being deleted now: its button waits. */
  declare busy: string | undefined;

  /** Where focus goes when the button that had it is gone with what it deleted. */
  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  /** The delete button of a conversation or comment, if it is still shown. */
  deleteButton(id: string): HTMLButtonElement | null {
    return this.renderRoot.querySelector<HTMLButtonElement>(`button[data-target="${CSS.escape(id)}"]`);
  }

  private ask(request: DeleteRequest): void {
    this.dispatchEvent(new CustomEvent<DeleteRequest>('dashboard-delete', { detail: request, bubbles: true, composed: true }));
  }

  private comment(r: RecentChat, c: Comment, opening: boolean) {
    const what = `the comment “${excerpt(c.text)}” by ${c.author.name}`;
    return html`<li part="comment" data-comment-id=${c.id}>
      <p class="who"><strong>${c.author.name}</strong> <time datetime=${new Date(c.createdAt).toISOString()}>${formatLocal(c.createdAt)}</time></p>
      <p class="text">${c.text}</p>
      ${opening
        ? nothing
        : html`<button
            part="delete-comment"
            class="danger small"
            data-target=${c.id}
            ?disabled=${this.busy === c.id}
            @click=${() => this.ask({ image: r.image, chatId: r.chat.id, commentId: c.id, what })}
          >
            ${this.busy === c.id ? 'Deleting…' : 'Delete comment'}<span class="visually-hidden"> “${excerpt(c.text)}” by ${c.author.name}</span>
          </button>`}
    </li>`;
  }

  private item(r: RecentChat) {
    const [opening, ...replies] = r.chat.comments;
    const src = httpUrl(r.image);
    const page = httpUrl(r.page);
    const title = opening ? excerpt(opening.text) : 'untitled';
    const what = `the conversation “${title}” by ${r.chat.author.name}${replies.length ? ` and its ${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}` : ''}`;
    const replyList = html`<ol class="comments">
      ${repeat(replies, (c) => c.id, (c) => this.comment(r, c, false))}
    </ol>`;
    return html`<li part="chat" class="item" data-chat-id=${r.chat.id}>
      ${src ? html`<img src=${src} alt="" loading="lazy" referrerpolicy="no-referrer" width="96" height="64" />` : html`<span class="noimg" aria-hidden="true"></span>`}
      <div class="body">
        <h3 class="name">“${title}” <span class="muted">by ${r.chat.author.name}${r.chat.resolved ? ', resolved' : ''}</span></h3>
        <p class="meta muted">
          Last activity <time datetime=${r.lastActivity}>${formatLocal(r.lastActivity)}</time> on image
          <span class="image">${r.image}</span>${page
            ? html` · <a href=${page} target="_blank" rel="noopener noreferrer">Open the page<span class="visually-hidden"> of “${title}”</span></a>`
            : nothing}
        </p>
        <ol class="comments">
          ${opening ? this.comment(r, opening, true) : nothing}
        </ol>
        ${replies.length === 0
          ? nothing
          : replies.length <= OPEN_REPLIES
            ? replyList
            : html`<details>
                <summary>${replies.length} replies</summary>
                ${replyList}
              </details>`}
        <button
          part="delete-chat"
          class="danger"
          data-target=${r.chat.id}
          ?disabled=${this.busy === r.chat.id}
          @click=${() => this.ask({ image: r.image, chatId: r.chat.id, what })}
        >
          ${this.busy === r.chat.id ? 'Deleting…' : 'Delete conversation'}<span class="visually-hidden"> “${title}” by ${r.chat.author.name}</span>
        </button>
      </div>
    </li>`;
  }

  override render() {
    const chats = this.chats;
    return html`
      <h2 tabindex="-1">Latest conversations</h2>
      ${chats === undefined
        ? html`<p class="muted">Loading…</p>`
        : chats.length === 0
          ? html`<p class="muted">No conversations yet.</p>`
          : html`<ol>
              ${repeat(chats, (r) => r.chat.id, (r) => this.item(r))}
            </ol>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dashboard-recent-chats': DashboardRecentChats;
  }
}

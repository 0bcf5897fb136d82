/**
 * One message of a thread (`part="comment"`): author, time, "edited", its
 * text laid out by its own direction (`dir="auto"`) with links, and for its
 * author (or a moderator) Edit (`part="edit"`, in place) and Delete
 * (`part="comment-delete"`, not on the first message: deleting the
 * conversation is the way to remove that one).
 */
import { html, nothing } from 'lit';
import type { CommentView } from './chat-list.ts';
import { composerTemplate } from './composer.ts';
import { messageText } from './message-text.ts';
import type { I18n } from './i18n/i18n.ts';
import { dateTime } from './i18n/times.ts';

/** A comment being edited: the text in the box, and why the last save was refused. */
export interface Editing {
  readonly id: string;
  readonly text: string;
  readonly error?: string | undefined;
}

export interface CommentOptions {
  readonly comment: CommentView;
  /** The conversation's opening message. */
  readonly first: boolean;
  /** This viewer may edit and delete it, now (author or moderator, online, saved). */
  readonly mayChange: boolean;
  readonly editing: Editing | undefined;
  /** Nothing can be saved now (offline, reconnecting). */
  readonly blocked: boolean;
  readonly i18n: I18n;
  /** Relative time of `createdAt`, as shown. */
  readonly when: string;
  onEdit(): void;
  onDelete(): void;
  /** Saves an edit; returns true when it was sent. */
  onSave(text: string): boolean;
  onCancelEdit(): void;
}

export function commentTemplate(o: CommentOptions) {
  const c = o.comment;
  const { i18n } = o;
  const t = i18n.text.comment;
  const created = new Date(c.createdAt);
  const editing = o.editing?.id === c.id ? o.editing : undefined;
  // A message still being sent has no server id yet; an edit in flight may be edited again.
  const changeable = o.mayChange && !(c.pending && c.editedAt === undefined);
  return html`<li part="comment" data-comment-id=${c.id} ?data-pending=${c.pending} ?data-edited=${c.editedAt !== undefined}>
    <div class="meta">
      <bdi class="author">${c.author.name}</bdi>
      <time datetime=${created.toISOString()} title=${dateTime(i18n, c.createdAt)}>${o.when}</time>
      ${c.editedAt !== undefined
        ? html`<span class="edited" title=${i18n.format(t.editedAt, { time: dateTime(i18n, c.editedAt) })}>${t.edited}</span>`
        : nothing}
      ${c.pending ? html`<span class="pending-note">${t.sending}</span>` : nothing}
      ${changeable && !editing
        ? html`<button type="button" part="edit" class="link" aria-label=${t.editLabel} @click=${() => o.onEdit()}>${t.edit}</button>`
        : nothing}
      ${changeable && !editing && !o.first
        ? html`<button type="button" part="comment-delete" class="link" aria-label=${t.deleteLabel} @click=${() => o.onDelete()}>
            ${t.delete}
          </button>`
        : nothing}
    </div>
    ${editing
      ? composerTemplate({
          i18n,
          label: t.editBox,
          placeholder: '',
          sendLabel: t.save,
          cancelLabel: t.cancel,
          part: '',
          value: editing.text,
          error: editing.error,
          disabled: o.blocked,
          onSend: (text) => o.onSave(text),
          onCancel: () => o.onCancelEdit(),
        })
      : html`<p class="text" dir="auto">${messageText(c.text)}</p>`}
  </li>`;
}

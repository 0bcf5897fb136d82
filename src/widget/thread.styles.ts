/** Styles of the popups (new conversation, thread, list) and what happens in them: messages, links, edit, drafts, questions. They arrive with parts.ts. */
import { css } from 'lit';

export const threadStyles = css`
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  button.link {
    border: 0;
    min-height: 0;
    padding: 0 4px;
    background: transparent;
    color: var(--image-chat-muted-fg);
    text-decoration: underline;
  }
  button.danger {
    background: transparent;
    color: var(--image-chat-danger);
    border-color: var(--image-chat-danger);
  }
  /* The popups (new conversation, thread, list) and what is in them. */
  .popup,
  [part~='thread'],
  .list-panel {
    position: absolute;
    z-index: 2;
    display: flex;
    flex-direction: column;
    gap: 8px;
    overflow: auto;
    padding: 10px 12px;
    line-height: 1.4;
    background: var(--image-chat-popup-bg);
    color: var(--image-chat-popup-fg);
    border: 1px solid var(--image-chat-border);
    border-radius: var(--image-chat-radius);
    box-shadow: var(--image-chat-shadow);
    text-align: start;
  }
  .thread-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
  }
  .title {
    margin: 0;
    font-size: 1em;
    font-weight: 600;
    display: flex;
    gap: 6px;
    align-items: center;
  }
  .badge {
    display: inline-grid;
    place-items: center;
    min-width: 1.6em;
    height: 1.6em;
    border-radius: 50%;
    background: var(--image-chat-marker-color);
    color: var(--image-chat-marker-fg);
    font-size: 0.85em;
  }
  .resolved-tag {
    font-size: 0.8em;
    font-weight: 500;
    color: var(--image-chat-muted-fg);
  }
  .comments {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
  [part~='comment'][data-pending] {
    opacity: 0.7;
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    align-items: baseline;
    font-size: 0.85em;
    color: var(--image-chat-muted-fg);
  }
  .author {
    font-weight: 600;
    color: var(--image-chat-popup-fg);
  }
  .text {
    margin: 2px 0 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  textarea {
    width: 100%;
    min-height: 3.2em;
    resize: vertical;
    font: inherit;
    color: inherit;
    background: transparent;
    padding: 6px 8px;
    border: 1px solid var(--image-chat-border);
    border-radius: calc(var(--image-chat-radius) / 2);
  }
  .hint {
    margin: 4px 0 0;
    color: var(--image-chat-danger);
    font-size: 0.9em;
  }
  .actions,
  .thread-actions {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
    margin-top: 6px;
  }
  .thread-actions {
    justify-content: space-between;
  }
  image-chat-composer {
    display: block;
  }

  /* A long thread: the header (and its close button) and the reply box stay, the messages scroll. */
  [part~='thread'] > * {
    flex: none;
  }
  /* Where even that does not fit (a short element), the header sticks while the popup scrolls. */
  [part~='thread'] > .thread-head {
    position: sticky;
    top: -10px;
    z-index: 1;
    margin: -10px 0 0;
    padding: 10px 0 0;
    background: var(--image-chat-popup-bg);
  }
  [part~='thread'] > .comments {
    flex: 1 1 auto;
    min-height: 4.5em;
    overflow-y: auto;
    overscroll-behavior: contain;
  }
  textarea:focus-visible,
  .comments:focus-visible {
    outline: 3px solid var(--image-chat-focus-ring);
    outline-offset: 2px;
  }

  /* Pending messages are marked without fading their text below 4.5:1. */
  [part~='comment'][data-pending] {
    opacity: 1;
    border-inline-start: 2px dashed var(--image-chat-border);
    padding-inline-start: 6px;
  }
  .edited {
    font-style: italic;
  }
  .text a {
    color: var(--image-chat-link, var(--image-chat-accent));
    text-decoration: underline;
  }
  [part~='comment'] .composer {
    margin-top: 4px;
  }
  a:focus-visible {
    outline: 3px solid var(--image-chat-focus-ring);
    outline-offset: 2px;
  }
  textarea::placeholder {
    color: var(--image-chat-muted-fg);
    opacity: 1;
  }

  .counter {
    margin: 4px 0 0;
    font-size: 0.85em;
    text-align: end;
    color: var(--image-chat-muted-fg);
  }
  .counter.over {
    color: var(--image-chat-danger);
  }
  .refused {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 6px;
  }
  .confirm {
    margin-top: 6px;
    padding: 8px 10px;
    border: 1px solid var(--image-chat-danger);
    border-radius: calc(var(--image-chat-radius) / 2);
  }
  .confirm p {
    margin: 0;
  }
  .confirm .question {
    font-weight: 600;
  }

  /* Small text-like controls are still 24 px targets (WCAG 2.2 target size); 44 px on touch. */
  button[part~='edit'],
  button[part~='comment-delete'] {
    min-width: 24px;
    min-height: 24px;
  }
  /* Phones and tablets: controls that delete or edit are at least 44 x 44 px. */
  @media (pointer: coarse) {
    button[part~='comment-delete'],
    button[part~='edit'],
    button[part~='delete'] {
      min-width: 44px;
      min-height: 44px;
    }
  }
`;

/** Styles of what happens inside a conversation: messages, links, edit, drafts, questions (they arrive with parts.ts). */
import { css } from 'lit';

export const threadStyles = css`
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

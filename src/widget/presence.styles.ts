/** The `presence` part (top start corner of the image) and the thread's `typing` line. */
import { css } from 'lit';

export const presenceStyles = css`
  .presence {
    position: absolute;
    z-index: 2;
    display: inline-flex;
    align-items: center;
    gap: 2px;
    max-width: calc(100% - 120px);
    padding: 3px 8px 3px 3px;
    border-radius: 999px;
    background: var(--image-chat-popup-bg);
    color: var(--image-chat-popup-fg);
    box-shadow: 0 2px 6px rgba(0, 0, 0, 0.25);
    font: 12px/1 var(--image-chat-font);
  }
  .presence .avatar {
    display: inline-grid;
    place-items: center;
    width: 24px;
    height: 24px;
    border-radius: 50%;
    border: 2px solid var(--image-chat-popup-bg);
    margin-inline-start: -6px;
    background: var(--image-chat-accent);
    color: var(--image-chat-accent-fg);
    font-size: 10px;
    font-weight: 600;
    cursor: default;
  }
  .presence .avatar:first-of-type {
    margin-inline-start: 0;
  }
  .presence .avatar[data-guest] {
    background: var(--image-chat-muted-fg);
  }
  .presence .avatar.more {
    background: var(--image-chat-border);
    color: var(--image-chat-popup-fg);
  }
  .presence .viewing {
    margin-inline-start: 6px;
    white-space: nowrap;
  }
  .typing {
    min-height: 1.3em;
    margin: 4px 0 0;
    color: var(--image-chat-muted-fg);
    font-size: 0.9em;
    font-style: italic;
  }
  .typing:empty {
    visibility: hidden;
  }
`;

import { css } from 'lit';

export const styles = css`
  /* Carries the widget's lang and dir; lays nothing out. */
  .i18n {
    display: contents;
  }

  :host {
    --image-chat-accent: #2563eb;
    --image-chat-accent-fg: #ffffff;
    --image-chat-marker-color: var(--image-chat-accent);
    --image-chat-marker-fg: var(--image-chat-accent-fg);
    --image-chat-marker-size: 32px;
    --image-chat-marker-resolved-color: #6b7280;
    --image-chat-unread-color: #b91c1c;
    --image-chat-unread-fg: #ffffff;
    --image-chat-popup-bg: #ffffff;
    --image-chat-popup-fg: #111827;
    --image-chat-muted-fg: #6b7280;
    --image-chat-border: #d1d5db;
    --image-chat-danger: #b91c1c;
    --image-chat-focus-ring: #f59e0b;
    --image-chat-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --image-chat-font-size: 14px;
    --image-chat-radius: 10px;
    --image-chat-popup-width: 300px;
    --image-chat-shadow: 0 8px 28px rgba(0, 0, 0, 0.22);
    display: inline-block;
    position: relative;
    max-width: 100%;
    line-height: 0;
    font-family: var(--image-chat-font);
    font-size: var(--image-chat-font-size);
  }
  :host([data-theme='dark']) {
    --image-chat-accent: #60a5fa;
    --image-chat-accent-fg: #0b1220;
    --image-chat-popup-bg: #1f2937;
    --image-chat-popup-fg: #f9fafb;
    --image-chat-muted-fg: #9ca3af;
    --image-chat-border: #374151;
    --image-chat-danger: #f87171;
    --image-chat-marker-resolved-color: #9ca3af;
    --image-chat-unread-color: #f87171;
    --image-chat-unread-fg: #0b1220;
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  [part~='image'],
  ::slotted(img) {
    display: block;
    max-width: 100%;
  }
  [part~='image'] {
    width: 100%;
    height: auto;
  }
  [part~='overlay'] {
    position: absolute;
    line-height: normal;
    cursor: crosshair;
    outline: none;
  }
  :host([readonly]) [part~='overlay'] {
    cursor: default;
  }
  [part~='overlay']:focus-visible {
    box-shadow: inset 0 0 0 3px var(--image-chat-focus-ring);
  }
  button:focus-visible,
  [part~='marker'][aria-expanded='true'] {
    outline: 3px solid var(--image-chat-focus-ring);
    outline-offset: 2px;
  }
  button {
    font: inherit;
    min-height: 32px;
    padding: 4px 12px;
    border-radius: calc(var(--image-chat-radius) / 2);
    border: 1px solid transparent;
    background: var(--image-chat-accent);
    color: var(--image-chat-accent-fg);
    cursor: pointer;
  }
  button.secondary,
  button.icon {
    background: transparent;
    color: inherit;
    border-color: var(--image-chat-border);
  }
  button.icon {
    min-width: 32px;
    padding: 0;
    font-size: 1.3em;
    line-height: 1;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

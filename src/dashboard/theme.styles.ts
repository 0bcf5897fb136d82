import { css } from 'lit';

/**
 * The colours, set once on `<image-chat-dashboard>`'s host: custom properties
 * inherit through every shadow root below it, so a page overrides them there.
 * Dark follows `prefers-color-scheme`. Every text colour keeps at least 4.5:1
 * on its background, the focus ring 3:1.
 */
export const tokens = css`
  :host {
    --dashboard-bg: #ffffff;
    --dashboard-surface: #f6f7f9;
    --dashboard-fg: #111827;
    --dashboard-muted: #4b5563;
    --dashboard-border: #cbd5e1;
    --dashboard-accent: #1d4ed8;
    --dashboard-accent-fg: #ffffff;
    --dashboard-danger: #b91c1c;
    --dashboard-danger-fg: #ffffff;
    --dashboard-ok: #166534;
    --dashboard-focus: #1d4ed8;
    --dashboard-chart-line: #1d4ed8;
    --dashboard-chart-fill: rgba(29, 78, 216, 0.14);
    --dashboard-chart-grid: rgba(17, 24, 39, 0.1);
    --dashboard-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --dashboard-radius: 8px;
    color-scheme: light;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --dashboard-bg: #121212;
      --dashboard-surface: #1f2937;
      --dashboard-fg: #f3f4f6;
      --dashboard-muted: #d1d5db;
      --dashboard-border: #4b5563;
      --dashboard-accent: #93c5fd;
      --dashboard-accent-fg: #111827;
      --dashboard-danger: #fca5a5;
      --dashboard-danger-fg: #111827;
      --dashboard-ok: #86efac;
      --dashboard-focus: #fbbf24;
      --dashboard-chart-line: #93c5fd;
      --dashboard-chart-fill: rgba(147, 197, 253, 0.18);
      --dashboard-chart-grid: rgba(243, 244, 246, 0.12);
      color-scheme: dark;
    }
  }
`;

/** What every dashboard component shares: box sizing, buttons, links, focus, hidden text. */
export const base = css`
  :host {
    font-family: var(--dashboard-font);
    color: var(--dashboard-fg);
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button,
  input,
  select {
    font: inherit;
  }
  button,
  .button {
    display: inline-flex;
    align-items: center;
    gap: 0.35em;
    min-height: 44px;
    padding: 0.45em 0.9em;
    border: 1px solid var(--dashboard-accent);
    border-radius: var(--dashboard-radius);
    background: var(--dashboard-accent);
    color: var(--dashboard-accent-fg);
    cursor: pointer;
    text-decoration: none;
  }
  button.secondary,
  .button.secondary {
    background: transparent;
    color: var(--dashboard-accent);
  }
  button.danger {
    border-color: var(--dashboard-danger);
    background: transparent;
    color: var(--dashboard-danger);
  }
  button.danger.strong {
    background: var(--dashboard-danger);
    color: var(--dashboard-danger-fg);
  }
  button:disabled {
    opacity: 0.6;
    cursor: progress;
  }
  input {
    min-height: 44px;
    padding: 0.4em 0.6em;
    border: 1px solid var(--dashboard-muted);
    border-radius: var(--dashboard-radius);
    background: var(--dashboard-bg);
    color: var(--dashboard-fg);
  }
  a {
    color: var(--dashboard-accent);
  }
  :focus-visible {
    outline: 3px solid var(--dashboard-focus);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  .muted {
    color: var(--dashboard-muted);
  }
  .error {
    color: var(--dashboard-danger);
  }
`;

/** A dashboard section: a block with its heading (a `.muted` part of it in normal weight). */
export const section = css`
  :host {
    display: block;
  }
  h2 {
    font-size: 1.15rem;
    margin: 0 0 0.6rem;
  }
  h2 .muted {
    font-weight: 400;
  }
`;

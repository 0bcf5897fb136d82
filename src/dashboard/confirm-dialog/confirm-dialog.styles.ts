import { css } from 'lit';
import { base } from '../theme.styles.ts';

export const styles = [
  base,
  css`
    :host {
      display: contents;
    }
    dialog {
      width: min(28rem, calc(100vw - 2rem));
      padding: 1.25rem;
      border: 1px solid var(--dashboard-border);
      border-radius: var(--dashboard-radius);
      background: var(--dashboard-bg);
      color: var(--dashboard-fg);
      box-shadow: 0 12px 32px rgba(0, 0, 0, 0.3);
    }
    dialog::backdrop {
      background: rgba(15, 23, 42, 0.55);
    }
    h2 {
      margin: 0 0 0.5rem;
      font-size: 1.15rem;
    }
    p {
      margin: 0 0 1rem;
      overflow-wrap: anywhere;
    }
    .buttons {
      display: flex;
      flex-wrap: wrap;
      justify-content: flex-end;
      gap: 0.6rem;
    }
  `,
];

import { css } from 'lit';
import { base } from '../theme.styles.ts';

export const styles = [
  base,
  css`
    :host {
      display: block;
      margin-top: 2rem;
    }
    h2 {
      font-size: 1.15rem;
    }
    .fields {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
      gap: 0.6rem 1rem;
      margin-bottom: 1rem;
    }
    label {
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
      font-weight: 600;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 0.75rem;
    }
    li {
      padding: 0.8rem 1rem;
      border: 1px solid var(--dashboard-border);
      border-radius: var(--dashboard-radius);
      background: var(--dashboard-surface);
      min-width: 0;
    }
    .head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem;
    }
    h3 {
      margin: 0;
      font-size: 0.95rem;
    }
    p {
      margin: 0.3rem 0 0.5rem;
      color: var(--dashboard-muted);
    }
    pre {
      margin: 0;
      padding: 0.6rem 0.75rem;
      overflow-x: auto;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      font-size: 0.85rem;
      background: var(--dashboard-bg);
      border: 1px solid var(--dashboard-border);
      border-radius: 4px;
    }
    .copied {
      color: var(--dashboard-ok);
    }
  `,
];

import { css } from 'lit';
import { base, tokens } from '../theme.styles.ts';

export const styles = [
  tokens,
  base,
  css`
    :host {
      display: block;
      max-width: 1200px;
      margin: 0 auto;
      padding: 1rem;
      background: var(--dashboard-bg);
      line-height: 1.45;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem 1rem;
      margin-bottom: 1rem;
    }
    h1 {
      margin: 0;
      font-size: 1.5rem;
      flex: 1 1 auto;
    }
    .tenant {
      margin: 0;
      overflow-wrap: anywhere;
    }
    main {
      display: flex;
      flex-direction: column;
      gap: 1.25rem;
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-end;
      justify-content: space-between;
      gap: 0.75rem;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
    }
    .status,
    .notice p,
    .problem p {
      margin: 0;
    }
    .status:empty,
    .notice:empty,
    .problem:empty {
      display: none;
    }
    .ok {
      color: var(--dashboard-ok);
    }
    .charts h2 {
      font-size: 1.15rem;
      margin: 0 0 0.6rem;
    }
    .chart-grid {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(min(100%, 22rem), 1fr));
      gap: 0.75rem;
    }
    .lists {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(100%, 26rem), 1fr));
      gap: 1.25rem;
      align-items: start;
    }
    @media (max-width: 480px) {
      :host {
        padding: 0.5rem;
      }
    }
  `,
];

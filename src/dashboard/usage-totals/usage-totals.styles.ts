import { css } from 'lit';
import { base, section } from '../theme.styles.ts';

/** Shared by the totals and the live figures: one card per figure, as many per row as fit. */
export const cards = css`
  dl {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(10.5rem, 1fr));
    gap: 0.75rem;
    margin: 0;
  }
  .card {
    display: flex;
    flex-direction: column;
    gap: 0.15rem;
    padding: 0.8rem 1rem;
    border: 1px solid var(--dashboard-border);
    border-radius: var(--dashboard-radius);
    background: var(--dashboard-surface);
    min-width: 0;
  }
  dt {
    font-weight: 600;
  }
  dd {
    margin: 0;
  }
  .figure {
    font-size: 1.9rem;
    font-weight: 650;
    line-height: 1.2;
    font-variant-numeric: tabular-nums;
    overflow-wrap: anywhere;
  }
  .exact {
    font-variant-numeric: tabular-nums;
    overflow-wrap: anywhere;
  }
  .hint {
    font-size: 0.85rem;
  }
`;

export const styles = [
  base,
  section,
  cards,
];

import { css } from 'lit';
import { base, section } from '../theme.styles.ts';

/** Shared by the image and conversation lists: a thumbnail beside its text, stacked when narrow. */
export const listItems = css`
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 0.75rem;
  }
  .item {
    display: flex;
    gap: 0.9rem;
    padding: 0.8rem 1rem;
    border: 1px solid var(--dashboard-border);
    border-radius: var(--dashboard-radius);
    background: var(--dashboard-surface);
    min-width: 0;
  }
  .item > img,
  .noimg {
    flex: none;
    width: 96px;
    height: 64px;
    object-fit: contain;
    border-radius: 4px;
    background: var(--dashboard-bg);
    border: 1px solid var(--dashboard-border);
  }
  .body {
    flex: 1;
    min-width: 0;
  }
  .name {
    margin: 0 0 0.3rem;
    font-size: 0.95rem;
    overflow-wrap: anywhere;
  }
  @media (max-width: 480px) {
    .item {
      flex-direction: column;
    }
  }
`;

export const styles = [
  base,
  section,
  listItems,
  css`
    dl {
      display: flex;
      flex-wrap: wrap;
      gap: 0.2rem 1.2rem;
      margin: 0 0 0.4rem;
    }
    dl div {
      display: flex;
      gap: 0.35em;
    }
    dt {
      color: var(--dashboard-muted);
    }
    dt::after {
      content: ':';
    }
    dd {
      margin: 0;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    [part='export'] {
      display: inline-block;
      padding: 0.6rem 0;
    }
  `,
];

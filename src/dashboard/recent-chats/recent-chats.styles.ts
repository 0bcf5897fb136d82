import { css } from 'lit';
import { base, section } from '../theme.styles.ts';
import { listItems } from '../top-images/top-images.styles.ts';

export const styles = [
  base,
  section,
  listItems,
  css`
    .meta {
      margin: 0 0 0.5rem;
      font-size: 0.9rem;
      overflow-wrap: anywhere;
    }
    .comments {
      gap: 0.5rem;
      margin: 0 0 0.6rem;
    }
    .comments li {
      padding-left: 0.7rem;
      border-left: 3px solid var(--dashboard-border);
    }
    .who,
    .text {
      margin: 0;
    }
    .who time {
      color: var(--dashboard-muted);
      font-size: 0.85rem;
    }
    .text {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    details {
      margin: 0 0 0.6rem;
    }
    summary {
      cursor: pointer;
      padding: 0.6rem 0;
      color: var(--dashboard-accent);
    }
    button.small {
      min-height: 36px;
      margin-top: 0.3rem;
      padding: 0.2em 0.7em;
      font-size: 0.9rem;
    }
  `,
];

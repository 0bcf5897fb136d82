import { css } from 'lit';
import { base } from '../theme.styles.ts';
import { cards } from '../usage-totals/usage-totals.styles.ts';

export const styles = [
  base,
  cards,
  css`
    :host {
      display: block;
    }
    h2 {
      font-size: 1.15rem;
      margin: 0 0 0.6rem;
    }
    h2 .muted {
      font-weight: 400;
      font-size: 0.9rem;
    }
  `,
];

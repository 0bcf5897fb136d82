import { css } from 'lit';
import { base, section } from '../theme.styles.ts';
import { cards } from '../usage-totals/usage-totals.styles.ts';

export const styles = [
  base,
  section,
  cards,
  css`
    h2 .muted {
      font-size: 0.9rem;
    }
  `,
];

import { css } from 'lit';
import { base } from '../theme.styles.ts';

export const styles = [
  base,
  css`
    :host {
      display: block;
      max-width: 26rem;
    }
    form {
      display: flex;
      flex-direction: column;
      gap: 0.4rem;
      padding: 1.25rem;
      border: 1px solid var(--dashboard-border);
      border-radius: var(--dashboard-radius);
      background: var(--dashboard-surface);
    }
    h2 {
      margin: 0;
      font-size: 1.25rem;
    }
    p {
      margin: 0 0 0.5rem;
    }
    label {
      font-weight: 600;
      margin-top: 0.4rem;
    }
    button {
      align-self: flex-start;
      margin-top: 0.8rem;
    }
    [part='error'] p {
      margin: 0.6rem 0 0;
    }
    .detail {
      color: var(--dashboard-muted);
      overflow-wrap: anywhere;
    }
  `,
];

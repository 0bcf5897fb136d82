import { css } from 'lit';
import { base } from '../theme.styles.ts';

export const styles = [
  base,
  css`
    :host {
      display: block;
    }
    fieldset {
      margin: 0;
      padding: 0;
      border: 0;
    }
    legend {
      font-weight: 600;
      padding: 0;
      margin-bottom: 0.3rem;
    }
    .choices {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem;
    }
    .choice {
      display: inline-flex;
      align-items: center;
      gap: 0.4em;
      min-height: 44px;
      padding: 0 0.8em;
      border: 1px solid var(--dashboard-border);
      border-radius: var(--dashboard-radius);
      background: var(--dashboard-surface);
      cursor: pointer;
    }
    .choice:has(input:checked) {
      border-color: var(--dashboard-accent);
      box-shadow: inset 0 0 0 1px var(--dashboard-accent);
    }
    .choice input {
      margin: 0;
      accent-color: var(--dashboard-accent);
    }
    .custom {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-end;
      gap: 0.6rem;
      margin-top: 0.6rem;
    }
    .custom label {
      display: flex;
      flex-direction: column;
      gap: 0.2rem;
    }
    .custom p {
      flex-basis: 100%;
      margin: 0;
    }
  `,
];

import { css, unsafeCSS } from 'lit';
// uPlot's own layout rules (cursor, overlay), inside this shadow root where uPlot draws.
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';
import { base } from '../theme.styles.ts';

export const styles = [
  base,
  unsafeCSS(uPlotCss),
  css`
    :host {
      display: block;
      min-width: 0;
    }
    figure {
      margin: 0;
      padding: 0.8rem 1rem 1rem;
      border: 1px solid var(--dashboard-border);
      border-radius: var(--dashboard-radius);
      background: var(--dashboard-surface);
    }
    h3 {
      margin: 0;
      font-size: 1rem;
    }
    figcaption p {
      margin: 0.2rem 0 0.6rem;
      font-size: 0.9rem;
    }
    [part='plot'] {
      height: var(--dashboard-chart-height, 160px);
      width: 100%;
      overflow: hidden;
    }
    .uplot {
      font-family: inherit;
      color: var(--dashboard-muted);
    }
    button {
      margin-top: 0.5rem;
    }
    .table {
      margin-top: 0.5rem;
      max-width: 100%;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-variant-numeric: tabular-nums;
    }
    th,
    td {
      padding: 0.25rem 0.5rem;
      border-bottom: 1px solid var(--dashboard-border);
      text-align: left;
      font-weight: 400;
    }
    thead th {
      font-weight: 600;
    }
    td {
      text-align: right;
    }
  `,
];

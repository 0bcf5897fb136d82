/**
 * `<dashboard-usage-totals>`: the range's totals. Each figure is an element
 * `[data-metric="<name>"]` whose text is exactly the integer (scripts and
 * tests read it); a grouped or human-sized form is shown beside it.
 *
 * @csspart figure - One total's element (also carrying `data-metric`).
 */
import { LitElement, html, nothing } from 'lit';
import { METRICS, type Counts, type Metric } from '../api.ts';
import { METRIC_HINTS, METRIC_LABELS, formatBytes, formatCount } from '../format.ts';
import { styles } from './usage-totals.styles.ts';

export class DashboardUsageTotals extends LitElement {
  static override styles = styles;
  static override properties = {
    totals: { attribute: false },
    label: {},
  };

  /** The range's totals (from the usage answer). */
  declare totals: Counts | undefined;
  /** The range in words, for the heading: "the last 24 hours". */
  declare label: string;

  constructor() {
    super();
    this.label = '';
  }

  private figure(metric: Metric, n: number) {
    const exact = html`<data part="figure" data-metric=${metric} value=${n}>${n}</data>`;
    if (metric === 'pubSubBandwidth') {
      return html`<dd class="figure">${formatBytes(n)}</dd>
        <dd class="exact">${exact} bytes</dd>`;
    }
    const grouped = formatCount(n);
    return html`<dd class="figure">${exact}</dd>
      ${grouped !== String(n) ? html`<dd class="exact" aria-hidden="true">${grouped}</dd>` : nothing}`;
  }

  override render() {
    const totals = this.totals;
    if (!totals) return nothing;
    return html`
      <h2>Totals${this.label ? html` <span class="muted">for ${this.label}</span>` : nothing}</h2>
      <dl>
        ${METRICS.map(
          (metric) => html`<div class="card">
            <dt>${METRIC_LABELS[metric]}</dt>
            ${this.figure(metric, totals[metric])}
            <dd class="hint muted">${METRIC_HINTS[metric]}</dd>
          </div>`,
        )}
      </dl>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dashboard-usage-totals': DashboardUsageTotals;
  }
}

/**
 * `<dashboard-usage-chart>`: one usage figure over time, drawn by uPlot
 * (docs/dashboard.md says why). The canvas is hidden from assistive
 * technology; its text alternative is the summary under the title, and the
 * whole series is a table behind the "Show data table" button.
 *
 * @csspart plot - The box uPlot draws in.
 * @csspart toggle - The button that shows or hides the table.
 * @csspart table - The data table.
 *
 * @cssproperty [--dashboard-chart-line=#1d4ed8] - Line colour (read when the chart is drawn).
 * @cssproperty [--dashboard-chart-fill=rgba(29,78,216,.14)] - Area under the line.
 * @cssproperty [--dashboard-chart-grid=rgba(17,24,39,.1)] - Grid lines.
 * @cssproperty [--dashboard-chart-height=160px] - Height of the plot.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import uPlot from 'uplot';
import type { Granularity, Metric, UsagePoint } from '../api.ts';
import { METRIC_LABELS, formatBucket, formatCount, formatMetric } from '../format.ts';
import { styles } from './usage-chart.styles.ts';

export class DashboardUsageChart extends LitElement {
  static override styles = styles;
  static override properties = {
    metric: {},
    series: { attribute: false },
    granularity: {},
    label: {},
    tableShown: { state: true },
  };

  declare metric: Metric;
  declare series: readonly UsagePoint[];
  declare granularity: Granularity;
  /** The range in words, for the summary: "the last 24 hours". */
  declare label: string;
  declare private tableShown: boolean;

  private plot: uPlot | undefined;
  private resize: ResizeObserver | undefined;
  private readonly scheme = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
  // Canvas colours come from the custom properties when drawn: a new scheme needs a new drawing.
  private readonly onScheme = () => this.redraw();

  constructor() {
    super();
    this.metric = 'pubSubMessageCount';
    this.series = [];
    this.granularity = 'hour';
    this.label = '';
    this.tableShown = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.scheme?.addEventListener?.('change', this.onScheme);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.scheme?.removeEventListener?.('change', this.onScheme);
    this.resize?.disconnect();
    this.resize = undefined;
    this.plot?.destroy();
    this.plot = undefined;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('metric') || changed.has('granularity')) this.redraw();
    else if (changed.has('series')) this.plot ? this.plot.setData(this.data()) : this.redraw();
  }

  private data(): uPlot.AlignedData {
    return [this.series.map((p) => Date.parse(p.start) / 1000), this.series.map((p) => p[this.metric])];
  }

  private redraw(): void {
    const box = this.renderRoot.querySelector<HTMLElement>('[part="plot"]');
    if (!box) return;
    this.plot?.destroy();
    const css = getComputedStyle(this);
    const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    const muted = color('--dashboard-muted', '#4b5563');
    const grid = { stroke: color('--dashboard-chart-grid', 'rgba(0,0,0,.1)'), width: 1 };
    const metric = this.metric;
    const opts: uPlot.Options = {
      width: Math.max(200, box.clientWidth),
      height: box.clientHeight || 160,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      // Buckets are UTC hours and days: the axis says so too.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(metric === 'pubSubBandwidth' ? 1024 : 4, max * 1.1)] } },
      axes: [
        { stroke: muted, grid, ticks: grid },
        {
          stroke: muted,
          grid,
          ticks: grid,
          size: 64,
          values: (_u, ticks) => ticks.map((t) => compact(metric, t)),
          incrs: metric === 'pubSubBandwidth' ? BINARY_STEPS : WHOLE_STEPS,
        },
      ],
      series: [
        {},
        {
          label: METRIC_LABELS[metric],
          stroke: color('--dashboard-chart-line', '#1d4ed8'),
          fill: color('--dashboard-chart-fill', 'rgba(29,78,216,.14)'),
          width: 2,
          points: { show: this.series.length <= 48 },
        },
      ],
    };
    this.plot = new uPlot(opts, this.data(), box);
    if (!this.resize) {
      this.resize = new ResizeObserver(() => {
        if (box.clientWidth > 0) this.plot?.setSize({ width: box.clientWidth, height: box.clientHeight || 160 });
      });
      this.resize.observe(box);
    }
  }

  /** The chart in one sentence: its total (or its highest, for a peak) and when it was highest. */
  summary(): string {
    const values = this.series.map((p) => p[this.metric]);
    const unit = this.granularity === 'hour' ? 'hour' : 'day';
    const range = this.label ? ` over ${this.label}` : '';
    if (values.length === 0) return `No data${range}.`;
    let top = 0;
    values.forEach((v, i) => (v > values[top]! ? (top = i) : undefined));
    const max = values[top]!;
    const when = formatBucket(this.series[top]!.start, this.granularity);
    if (this.metric === 'peakConnections') {
      return max === 0 ? `No connections${range}.` : `At most ${formatCount(max)} connections at once${range}, in the ${unit} of ${when}.`;
    }
    const total = values.reduce((a, b) => a + b, 0);
    if (total === 0) return `None${range}.`;
    return `${formatMetric(this.metric, total)} in total${range}; the busiest ${unit} was ${when} with ${formatMetric(this.metric, max)}.`;
  }

  override render() {
    const title = METRIC_LABELS[this.metric];
    const bucket = this.granularity === 'hour' ? 'Hour (UTC)' : 'Day (UTC)';
    return html`
      <figure aria-labelledby="title" aria-describedby="summary">
        <figcaption>
          <h3 id="title">${title}</h3>
          <p id="summary" class="muted">${this.summary()}</p>
        </figcaption>
        <div part="plot" aria-hidden="true"></div>
        <button
          part="toggle"
          class="secondary"
          aria-expanded=${this.tableShown ? 'true' : 'false'}
          aria-controls="table"
          @click=${() => (this.tableShown = !this.tableShown)}
        >
          ${this.tableShown ? 'Hide' : 'Show'} data table<span class="visually-hidden"> of ${title.toLowerCase()}</span>
        </button>
        <div id="table" class="table" ?hidden=${!this.tableShown}>
          ${this.tableShown
            ? html`<table part="table">
                <caption class="visually-hidden">${title} per ${this.granularity} (UTC)</caption>
                <thead>
                  <tr><th scope="col">${bucket}</th><th scope="col">${title}</th></tr>
                </thead>
                <tbody>
                  ${this.series.map(
                    (p) => html`<tr><th scope="row">${formatBucket(p.start, this.granularity)}</th><td>${formatMetric(this.metric, p[this.metric])}</td></tr>`,
                  )}
                </tbody>
              </table>`
            : nothing}
        </div>
      </figure>
    `;
  }
}

/** Byte ticks on whole binary units (16 KB, 32 KB…), not on 48.8 KB. */
const BINARY_STEPS = [0, 1, 2, 3, 4].flatMap((k) => [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((m) => m * 1024 ** k));
/** Counts are whole: no tick at 2.5 connections. */
const WHOLE_STEPS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((k) => [1, 2, 5].map((m) => m * 10 ** k));

/** Axis labels: 1200 → "1.2K", 1536 bytes → "1.5 KB". */
function compact(metric: Metric, n: number): string {
  if (metric === 'pubSubBandwidth') return formatMetric(metric, n);
  return new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

declare global {
  interface HTMLElementTagNameMap {
    'dashboard-usage-chart': DashboardUsageChart;
  }
}

/**
 * `<dashboard-live-figures>`: connections open now and conversations held
 * now, asked of the server every few seconds while the page is visible.
 *
 * @csspart figure - One figure's element (also carrying `data-metric`: `connections`, `conversations`).
 *
 * @fires dashboard-error - `{error}` a refresh failed (a `DashboardError`; a refused key means signing out).
 */
import { LitElement, html, nothing } from 'lit';
import { DashboardError, type DashboardApi } from '../api.ts';
import { formatCount } from '../format.ts';
import { PollController } from '../poll-controller.ts';
import { styles } from './live-figures.styles.ts';

export class DashboardLiveFigures extends LitElement {
  static override styles = styles;
  static override properties = {
    api: { attribute: false },
    connections: { type: Number },
    conversations: { type: Number },
    intervalMs: { type: Number, attribute: 'interval-ms' },
    updatedAt: { state: true },
    problem: { state: true },
  };

  declare api: DashboardApi | undefined;
  /** Open connections, over every node. */
  declare connections: number | undefined;
  /** Conversations the tenant holds. */
  declare conversations: number | undefined;
  /** Time between refreshes (default 5 s). */
  declare intervalMs: number;
  declare private updatedAt: number | undefined;
  declare private problem: string | undefined;

  private readonly poll = new PollController(this, { task: () => this.refresh(), intervalMs: () => this.intervalMs });

  constructor() {
    super();
    this.intervalMs = 5000;
  }

  /** Asks the server now (the poll goes on from here). */
  refreshNow(): void {
    this.poll.runNow();
  }

  private async refresh(): Promise<void> {
    const api = this.api;
    if (!api) return;
    try {
      const now = await api.now(Date.now());
      if (api !== this.api) return;
      this.connections = now.connections;
      this.conversations = now.conversations;
      this.updatedAt = Date.now();
      this.problem = undefined;
    } catch (error) {
      if (!(error instanceof DashboardError)) throw error;
      this.problem = `Live figures not refreshed: ${error.message}`;
      this.dispatchEvent(new CustomEvent('dashboard-error', { detail: { error }, bubbles: true, composed: true }));
    }
  }

  private card(metric: 'connections' | 'conversations', label: string, hint: string, n: number | undefined) {
    return html`<div class="card">
      <dt>${label}</dt>
      <dd class="figure">${n === undefined ? html`<span class="muted">…</span>` : html`<data part="figure" data-metric=${metric} value=${n}>${n}</data>`}</dd>
      ${n !== undefined && formatCount(n) !== String(n) ? html`<dd class="exact" aria-hidden="true">${formatCount(n)}</dd>` : nothing}
      <dd class="hint muted">${hint}</dd>
    </div>`;
  }

  override render() {
    const time = this.updatedAt ? new Date(this.updatedAt).toLocaleTimeString() : undefined;
    return html`
      <h2>Now <span class="muted">${time ? html`updated ${time}, every ${Math.round(this.intervalMs / 1000)} s` : 'live'}</span></h2>
      <dl>
        ${this.card('connections', 'Connections', 'widgets connected now', this.connections)}
        ${this.card('conversations', 'Conversations', 'conversations held now', this.conversations)}
      </dl>
      ${this.problem ? html`<p class="error">${this.problem}</p>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dashboard-live-figures': DashboardLiveFigures;
  }
}

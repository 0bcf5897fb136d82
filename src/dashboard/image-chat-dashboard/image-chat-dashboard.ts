/**
 * `<image-chat-dashboard>`: the site owner's page at `/dashboard`. Signed
 * out it shows only the sign-in form; with a key the server accepts it shows
 * the tenant's usage for a range (totals, charts), the live figures, the most
 * active images and the latest conversations, which it can delete.
 *
 * ```html
 * <script type="module" src="/dashboard.js"></script>
 * <image-chat-dashboard></image-chat-dashboard>
 * ```
 *
 * @attr server - The image-chat server (default: the origin this script was loaded from).
 * @attr live-interval-ms - How often the live figures are refreshed while the page is visible (default 5000).
 *
 * @csspart header - The title bar (tenant and Sign out when signed in).
 * @csspart toolbar - Range, Refresh and Download CSV.
 * @csspart status - What is loading, or when the figures were loaded.
 * @csspart notice - The outcome of the last deletion or download.
 *
 * @cssproperty [--dashboard-bg=#ffffff] - Page background.
 * @cssproperty [--dashboard-surface=#f6f7f9] - Cards and lists.
 * @cssproperty [--dashboard-fg=#111827] - Text.
 * @cssproperty [--dashboard-muted=#4b5563] - Secondary text and chart axes.
 * @cssproperty [--dashboard-border=#cbd5e1] - Borders.
 * @cssproperty [--dashboard-accent=#1d4ed8] - Buttons and links.
 * @cssproperty [--dashboard-accent-fg=#ffffff] - Text on the accent colour.
 * @cssproperty [--dashboard-danger=#b91c1c] - Errors and delete.
 * @cssproperty [--dashboard-ok=#166534] - Success messages.
 * @cssproperty [--dashboard-focus=#1d4ed8] - Focus outline.
 * @cssproperty [--dashboard-font=system-ui, sans-serif] - Font family.
 * @cssproperty [--dashboard-radius=8px] - Corner radius.
 * (Dark values apply under `prefers-color-scheme: dark`; the chart colours are on `<dashboard-usage-chart>`.)
 */
import { LitElement, html, nothing } from 'lit';
import { DashboardApi, DashboardError, METRICS, type Credentials, type ImageActivity, type RecentChat, type Usage } from '../api.ts';
import { fileNamePart, saveBlob } from '../download.ts';
import { isoDay, presetRange, type LabelledRange } from '../range.ts';
import { clearSession, loadSession, saveSession } from '../session.ts';
import type { DashboardConfirm } from '../confirm-dialog/confirm-dialog.ts';
import type { DashboardLiveFigures } from '../live-figures/live-figures.ts';
import type { DashboardRangePicker } from '../range-picker/range-picker.ts';
import type { DashboardRecentChats, DeleteRequest } from '../recent-chats/recent-chats.ts';
import type { DashboardSignIn } from '../sign-in/sign-in.ts';
import { styles } from './image-chat-dashboard.styles.ts';

type Phase = 'signed-out' | 'checking' | 'signed-in';
interface Notice {
  readonly ok: boolean;
  readonly text: string;
}

const DEFAULT_SERVER = (() => {
  try {
    return new URL(import.meta.url).origin;
  } catch {
    return location.origin;
  }
})();

export class ImageChatDashboard extends LitElement {
  static override styles = styles;
  static override properties = {
    server: {},
    liveIntervalMs: { type: Number, attribute: 'live-interval-ms' },
    phase: { state: true },
    usage: { state: true },
    images: { state: true },
    chats: { state: true },
    range: { state: true },
    loading: { state: true },
    problem: { state: true },
    refusal: { state: true },
    notice: { state: true },
    deleting: { state: true },
  };

  declare server: string;
  declare liveIntervalMs: number;
  declare private phase: Phase;
  declare private usage: Usage | undefined;
  declare private images: ImageActivity[] | undefined;
  declare private chats: RecentChat[] | undefined;
  declare private range: LabelledRange;
  declare private loading: boolean;
  /** Why the figures could not be (re)loaded, in words. */
  declare private problem: string | undefined;
  /** Why the sign-in failed, for the form. */
  declare private refusal: DashboardError | undefined;
  declare private notice: Notice | undefined;
  declare private deleting: string | undefined;
  private api: DashboardApi | undefined;
  /** The credentials the form starts with: the stored ones, or the tenant named in `?tenant=`. */
  private initial: Credentials;
  /** Each load's number: an answer to an older one is dropped. */
  private generation = 0;

  constructor() {
    super();
    this.server = DEFAULT_SERVER;
    this.liveIntervalMs = 5000;
    this.phase = 'signed-out';
    this.range = presetRange('24h', Date.now());
    this.loading = false;
    const stored = loadSession();
    this.initial = stored ?? { tenant: new URLSearchParams(location.search).get('tenant') ?? '', key: '' };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // A reload of the tab keeps the sign-in (sessionStorage): checked with the server again first.
    const stored = loadSession();
    if (stored && this.phase === 'signed-out') void this.signIn(stored);
  }

  private async signIn(credentials: Credentials): Promise<void> {
    this.api = new DashboardApi(this.server.replace(/\/+$/, ''), credentials);
    this.initial = credentials;
    this.phase = 'checking';
    this.refusal = undefined;
    await this.load();
  }

  /** Forgets the key and everything shown with it; `why` is said on the form when the server threw us out. */
  signOut(why?: DashboardError): void {
    clearSession();
    this.generation++;
    this.api = undefined;
    this.usage = this.images = this.chats = undefined;
    this.problem = this.notice = undefined;
    this.loading = false;
    this.refusal = why;
    this.initial = { tenant: this.initial.tenant, key: '' };
    this.phase = 'signed-out';
    void this.updateComplete.then(() => {
      const form = this.renderRoot.querySelector<DashboardSignIn>('dashboard-sign-in');
      form?.forgetKey();
      form?.focus();
    });
  }

  /** Loads the range's usage, the top images and the latest conversations; the first success signs in. */
  private async load(): Promise<void> {
    const api = this.api;
    if (!api) return;
    const generation = ++this.generation;
    const range = this.range;
    this.loading = true;
    const [usage, images, chats] = await Promise.allSettled([api.usage(range), api.topImages(range), api.recentChats()]);
    if (generation !== this.generation) return;
    this.loading = false;
    const usageError = usage.status === 'rejected' ? asDashboardError(usage.reason) : undefined;
    const listErrors = [images, chats].flatMap((r) => (r.status === 'rejected' ? [asDashboardError(r.reason)] : []));
    const failures = usageError ? [usageError, ...listErrors] : listErrors;
    // A refused key anywhere signs out; "no such tenant" is taken from the usage answer only (a list route may be missing).
    const refused = usageError?.signsOut ? usageError : listErrors.find((e) => e.kind === 'wrong-key' || e.kind === 'missing-key');
    if (refused) return this.signOut(refused);
    if (this.phase === 'checking') {
      if (usageError) {
        // Not refused, just not reached: the form keeps the key for another try, nothing is shown.
        this.refusal = usageError;
        this.phase = 'signed-out';
        return;
      }
      saveSession(api.credentials);
      this.phase = 'signed-in';
    }
    if (usage.status === 'fulfilled') this.usage = usage.value;
    if (images.status === 'fulfilled') this.images = images.value;
    if (chats.status === 'fulfilled') this.chats = chats.value;
    this.problem = failures.length ? `Some figures could not be loaded: ${[...new Set(failures.map((e) => e.message))].join(' ')}` : undefined;
  }

  private refresh(): void {
    const picked = this.renderRoot.querySelector<DashboardRangePicker>('dashboard-range-picker')?.range;
    if (picked) this.range = picked;
    void this.load();
    this.renderRoot.querySelector<DashboardLiveFigures>('dashboard-live-figures')?.refreshNow();
  }

  private async downloadCsv(): Promise<void> {
    const api = this.api;
    if (!api) return;
    const range = this.range;
    try {
      const csv = await api.usageCsv(range);
      saveBlob(new Blob([csv], { type: 'text/csv;charset=utf-8' }), `${fileNamePart(api.tenant)}-usage-${isoDay(range.from)}-${range.granularity}.csv`);
      this.notice = { ok: true, text: `Downloaded the usage of ${range.label} as CSV.` };
    } catch (e) {
      const error = asDashboardError(e);
      if (error.signsOut) return this.signOut(error);
      this.notice = { ok: false, text: `The CSV could not be downloaded: ${error.message}` };
    }
  }

  private async moderate(e: CustomEvent<DeleteRequest>): Promise<void> {
    const request = e.detail;
    const api = this.api;
    const confirm = this.renderRoot.querySelector<DashboardConfirm>('dashboard-confirm');
    if (!api || !confirm) return;
    const noun = request.commentId ? 'comment' : 'conversation';
    const yes = await confirm.ask({
      heading: `Delete this ${noun}?`,
      message: `This deletes ${request.what} for everyone, at once, on every page that shows it. It cannot be undone.`,
      confirmLabel: `Delete ${noun}`,
    });
    if (!yes || api !== this.api) return;
    const target = request.commentId ?? request.chatId;
    this.deleting = target;
    try {
      await (request.commentId ? api.deleteComment(request.image, request.chatId, request.commentId) : api.deleteChat(request.image, request.chatId));
      this.notice = { ok: true, text: `Deleted ${request.what}.` };
    } catch (err) {
      const error = asDashboardError(err);
      if (error.signsOut) return this.signOut(error);
      this.notice = { ok: false, text: `Could not delete ${request.what}: ${error.message}` };
    } finally {
      this.deleting = undefined;
    }
    await this.load();
    this.renderRoot.querySelector<DashboardLiveFigures>('dashboard-live-figures')?.refreshNow();
    // Focus stays on the button if it is still there, else on what comes nearest.
    const list = this.renderRoot.querySelector<DashboardRecentChats>('dashboard-recent-chats');
    if (!list) return;
    await list.updateComplete;
    (list.deleteButton(target) ?? list.deleteButton(request.chatId))?.focus() ?? list.focusHeading();
  }

  private onError(e: CustomEvent<{ error: DashboardError }>): void {
    if (e.detail.error.signsOut) this.signOut(e.detail.error);
  }

  private signedIn() {
    const usage = this.usage;
    const api = this.api!;
    const label = this.range.label;
    return html`
      <div part="toolbar" class="toolbar">
        <dashboard-range-picker
          @dashboard-range-change=${(e: CustomEvent<LabelledRange>) => {
            this.range = e.detail;
            void this.load();
          }}
        ></dashboard-range-picker>
        <div class="actions">
          <button class="secondary" @click=${this.refresh} ?disabled=${this.loading}>Refresh</button>
          <button class="secondary" @click=${this.downloadCsv}>Download CSV</button>
        </div>
      </div>
      <p part="status" class="status muted" role="status">
        ${this.loading ? 'Loading…' : usage ? `Figures for ${label} (times in UTC).` : ''}
      </p>
      <div role="alert" class="problem">${this.problem ? html`<p class="error">${this.problem}</p>` : nothing}</div>
      <dashboard-live-figures
        .api=${api}
        .connections=${usage?.connections}
        .conversations=${usage?.conversations}
        interval-ms=${this.liveIntervalMs}
        @dashboard-error=${this.onError}
      ></dashboard-live-figures>
      <dashboard-usage-totals .totals=${usage?.totals} label=${label}></dashboard-usage-totals>
      ${usage
        ? html`<section class="charts" aria-labelledby="over-time">
            <h2 id="over-time">Over time</h2>
            <div class="chart-grid">
              ${METRICS.map(
                (metric) => html`<dashboard-usage-chart
                  metric=${metric}
                  granularity=${usage.granularity}
                  label=${label}
                  .series=${usage.series}
                ></dashboard-usage-chart>`,
              )}
            </div>
          </section>`
        : nothing}
      <div part="notice" class="notice" role="status">
        ${this.notice ? html`<p class=${this.notice.ok ? 'ok' : 'error'}>${this.notice.text}</p>` : nothing}
      </div>
      <div class="lists">
        <dashboard-recent-chats .chats=${this.chats} busy=${this.deleting ?? nothing} @dashboard-delete=${this.moderate}></dashboard-recent-chats>
        <dashboard-top-images .api=${api} .images=${this.images} label=${label}></dashboard-top-images>
      </div>
      <dashboard-embed-code server=${api.server} tenant=${api.tenant}></dashboard-embed-code>
    `;
  }

  override render() {
    const signedIn = this.phase === 'signed-in' && this.api;
    return html`
      <header part="header">
        <h1>image-chat dashboard</h1>
        ${signedIn
          ? html`<p class="tenant">Tenant <strong>${this.api!.tenant}</strong></p>
              <button class="secondary" @click=${() => this.signOut()}>Sign out</button>`
          : nothing}
      </header>
      <main aria-busy=${this.loading ? 'true' : 'false'}>
        ${signedIn
          ? this.signedIn()
          : html`<dashboard-sign-in
              .tenant=${this.initial.tenant}
              .key=${this.initial.key}
              ?busy=${this.phase === 'checking'}
              .error=${this.refusal?.message}
              .detail=${this.refusal?.detail}
              @dashboard-sign-in=${(e: CustomEvent<Credentials>) => void this.signIn(e.detail)}
            ></dashboard-sign-in>`}
      </main>
      <dashboard-confirm></dashboard-confirm>
    `;
  }
}

function asDashboardError(e: unknown): DashboardError {
  if (e instanceof DashboardError) return e;
  // Not the server's refusal (a body that is not JSON, a bug): still said in words, never swallowed silently.
  console.error(e);
  return new DashboardError('refused', 'The server sent an answer the dashboard does not understand.');
}

declare global {
  interface HTMLElementTagNameMap {
    'image-chat-dashboard': ImageChatDashboard;
  }
}

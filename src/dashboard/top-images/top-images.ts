/**
 * `<dashboard-top-images>`: the images with the most activity in the range,
 * with how many conversations each holds now, and an export of each image's
 * conversations as W3C Web Annotations (JSON-LD).
 *
 * @csspart item - One image.
 * @csspart export - The export link of an image.
 */
import { LitElement, html, nothing } from 'lit';
import { DashboardError, type DashboardApi, type ImageActivity } from '../api.ts';
import { fileNamePart, saveBlob } from '../download.ts';
import { formatBytes, formatCount, httpUrl } from '../format.ts';
import { styles } from './top-images.styles.ts';

export class DashboardTopImages extends LitElement {
  static override styles = styles;
  static override properties = {
    api: { attribute: false },
    images: { attribute: false },
    label: {},
    problem: { state: true },
  };

  declare api: DashboardApi | undefined;
  declare images: readonly ImageActivity[] | undefined;
  /** The range in words: "the last 24 hours". */
  declare label: string;
  declare private problem: string | undefined;

  constructor() {
    super();
    this.label = '';
  }

  private async exportAnnotations(e: MouseEvent, image: string): Promise<void> {
    // A modified click (new tab, save link) keeps the plain link: it works where guests may read.
    if (!this.api || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    try {
      saveBlob(await this.api.annotations(image), `${fileNamePart(image)}.annotations.jsonld`);
      this.problem = undefined;
    } catch (error) {
      if (!(error instanceof DashboardError)) throw error;
      this.problem = `The annotations of ${image} could not be exported: ${error.message}`;
    }
  }

  private item(a: ImageActivity) {
    const src = httpUrl(a.image);
    return html`<li part="item" class="item">
      ${src ? html`<img src=${src} alt="" loading="lazy" referrerpolicy="no-referrer" width="96" height="64" />` : html`<span class="noimg" aria-hidden="true"></span>`}
      <div class="body">
        <h3 class="name">${src ? html`<a href=${src} target="_blank" rel="noopener noreferrer">${a.image}</a>` : a.image}</h3>
        <dl>
          <div><dt>Conversations now</dt><dd data-image-metric="conversations">${formatCount(a.conversations)}</dd></div>
          <div><dt>New conversations</dt><dd>${formatCount(a.conversationCreateCount)}</dd></div>
          <div><dt>Comments</dt><dd>${formatCount(a.commentCount)}</dd></div>
          <div><dt>Messages sent</dt><dd>${formatCount(a.pubSubMessageCount)}</dd></div>
          <div><dt>Bandwidth</dt><dd>${formatBytes(a.pubSubBandwidth)}</dd></div>
        </dl>
        ${this.api
          ? html`<a
              part="export"
              href=${this.api.annotationsUrl(a.image)}
              download
              @click=${(e: MouseEvent) => this.exportAnnotations(e, a.image)}
              >Export annotations (JSON-LD)<span class="visually-hidden"> of ${a.image}</span></a
            >`
          : nothing}
      </div>
    </li>`;
  }

  override render() {
    const images = this.images;
    return html`
      <h2>Most active images${this.label ? html` <span class="muted">in ${this.label}</span>` : nothing}</h2>
      ${images === undefined
        ? html`<p class="muted">Loading…</p>`
        : images.length === 0
          ? html`<p class="muted">No activity on any image in ${this.label || 'this range'}.</p>`
          : html`<ol>
              ${images.map((a) => this.item(a))}
            </ol>`}
      ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dashboard-top-images': DashboardTopImages;
  }
}

/**
 * `<dashboard-embed-code>`: copy-ready code that puts one image with its
 * conversations on a site, in each form a site can take: the script tag with
 * the element drawing the image, the element wrapping an `<img>` the page
 * has, an iframe of `/embed` (Ghost, Notion, any HTML block: no script of
 * ours on the page), and the `/embed` address alone, which WordPress and
 * other oEmbed consumers turn into the iframe (src/protocol/embed.ts writes
 * all four, as the server's oEmbed answer does).
 *
 * @attr server - The image-chat server the code points at.
 * @attr tenant - The tenant the code is for.
 * @csspart snippet - One form of the code (`data-kind`: script, wrapped, iframe, oembed).
 * @csspart copy - Its Copy button.
 */
import { LitElement, html, nothing } from 'lit';
import { EmbedParamError, embedSnippets, parseEmbedParams, type EmbedSnippets } from '../../protocol/embed.ts';
import { styles } from './embed-code.styles.ts';

const KINDS: { kind: keyof EmbedSnippets; title: string; hint: string }[] = [
  { kind: 'script', title: 'Script tag', hint: 'Pages that can run a script: the element draws the image.' },
  { kind: 'wrapped', title: 'Around an image you have', hint: 'Keeps your own <img> and its styles.' },
  { kind: 'iframe', title: 'Iframe', hint: 'Ghost, Notion, Medium and any HTML block that strips scripts. Only your allowed origins may frame it.' },
  { kind: 'oembed', title: 'oEmbed address', hint: 'Paste it on its own line in WordPress (or any oEmbed consumer).' },
];

export class DashboardEmbedCode extends LitElement {
  static override styles = styles;
  static override properties = {
    server: {},
    tenant: {},
    src: { state: true },
    alt: { state: true },
    copied: { state: true },
  };

  declare server: string;
  declare tenant: string;
  declare private src: string;
  declare private alt: string;
  /** The kind whose code was copied last, for the confirmation. */
  declare private copied: string | undefined;

  constructor() {
    super();
    this.server = '';
    this.tenant = '';
    this.src = 'https://www.example.com/mockup.png';
    this.alt = '';
  }

  /** The code for the image typed in, or why there is none. */
  private snippets(): EmbedSnippets | string {
    try {
      const params = parseEmbedParams(new URLSearchParams({ tenant: this.tenant, src: this.src.trim(), alt: this.alt.trim() }));
      return embedSnippets(this.server, params);
    } catch (e) {
      if (e instanceof EmbedParamError) return e.param === 'src' ? 'Type the address of an image (https://…) to get its code.' : e.message;
      throw e;
    }
  }

  private async copy(kind: string, text: string, e: Event): Promise<void> {
    // Read now: once the click is dispatched, its target inside a shadow root is gone.
    const pre = (e.target as HTMLElement).closest('li')?.querySelector('pre');
    try {
      await navigator.clipboard.writeText(text);
      this.copied = kind;
    } catch {
      // No clipboard (permission, an insecure page): select it, so Ctrl+C or ⌘C takes it.
      if (pre) getSelection()?.selectAllChildren(pre);
      this.copied = undefined;
    }
  }

  override render() {
    const code = this.snippets();
    return html`
      <h2>Embed code</h2>
      <div class="fields">
        <label
          >Image address
          <input type="url" .value=${this.src} @input=${(e: Event) => ((this.src = (e.target as HTMLInputElement).value), (this.copied = undefined))} />
        </label>
        <label
          >Description (alt text)
          <input .value=${this.alt} @input=${(e: Event) => ((this.alt = (e.target as HTMLInputElement).value), (this.copied = undefined))} />
        </label>
      </div>
      ${typeof code === 'string'
        ? html`<p role="status">${code}</p>`
        : html`<ol>
            ${KINDS.map(
              ({ kind, title, hint }) => html`<li part="snippet" data-kind=${kind}>
                <div class="head">
                  <h3 id="t-${kind}">${title}</h3>
                  <button part="copy" class="secondary" aria-describedby="t-${kind}" @click=${(e: Event) => this.copy(kind, code[kind], e)}>Copy</button>
                </div>
                <p>${hint}</p>
                <pre><code>${code[kind]}</code></pre>
                ${this.copied === kind ? html`<p class="copied" role="status">Copied.</p>` : nothing}
              </li>`,
            )}
          </ol>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dashboard-embed-code': DashboardEmbedCode;
  }
}

/**
 * The `/embed` page's address and the code that embeds it, shared by the
 * server (the page, its oEmbed answer) and the dashboard's copy-ready
 * snippets, so the four forms of embed code are written in one place.
 *
 * `/embed?tenant=&src=&image-id=&theme=&locale=&alt=` (design.md): `tenant`
 * and `src` are required; `src` is an absolute http(s) URL, or a path on the
 * image-chat server itself (`/demo/checkout.svg`).
 */
import { TENANT_ID } from '../core/tenants.ts';

export interface EmbedParams {
  readonly tenant: string;
  readonly src: string;
  readonly imageId?: string | undefined;
  readonly theme?: 'light' | 'dark' | 'auto' | undefined;
  readonly locale?: string | undefined;
  readonly alt?: string | undefined;
}

/** Longest `src`, `image-id` or `alt` the page accepts (a URL's practical limit). */
export const MAX_EMBED_PARAM_CHARS = 2048;
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/;
const THEMES = new Set(['light', 'dark', 'auto']);

/** Why an embed address is not one: the parameter at fault and a sentence. */
export class EmbedParamError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

/** The parameters of an `/embed` query, checked; throws EmbedParamError naming the first one at fault. */
export function parseEmbedParams(query: URLSearchParams): EmbedParams {
  const tenant = query.get('tenant') ?? '';
  if (!TENANT_ID.test(tenant)) throw new EmbedParamError('tenant', 'The "tenant" parameter is missing or not a tenant id (lower-case letters, digits and dashes).');
  const src = query.get('src') ?? '';
  if (!isImageSource(src)) throw new EmbedParamError('src', 'The "src" parameter must be the image\'s address: an absolute http(s) URL or a path on this server.');
  const imageId = optional(query, 'image-id');
  if (imageId !== undefined && (imageId.length > MAX_EMBED_PARAM_CHARS || /[\u0000-\u001f]/.test(imageId))) {
    throw new EmbedParamError('image-id', 'The "image-id" parameter is too long or holds control characters.');
  }
  const theme = optional(query, 'theme');
  if (theme !== undefined && !THEMES.has(theme)) throw new EmbedParamError('theme', 'The "theme" parameter must be light, dark or auto.');
  const locale = optional(query, 'locale');
  if (locale !== undefined && !LOCALE.test(locale)) throw new EmbedParamError('locale', 'The "locale" parameter must be a language tag such as en, da or pt-BR.');
  const alt = optional(query, 'alt');
  if (alt !== undefined && alt.length > MAX_EMBED_PARAM_CHARS) throw new EmbedParamError('alt', 'The "alt" parameter is too long.');
  return { tenant, src, imageId, theme: theme as EmbedParams['theme'], locale, alt };
}

function optional(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  return value === null || value === '' ? undefined : value;
}

function isImageSource(src: string): boolean {
  if (src === '' || src.length > MAX_EMBED_PARAM_CHARS || /[\u0000-\u001f\s]/.test(src)) return false;
  // A path on this server, never `//host` (another host, scheme-relative).
  if (src.startsWith('/')) return !src.startsWith('//') && !src.startsWith('/\\');
  try {
    const url = new URL(src);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The canonical `/embed` address on `server` (an origin, maybe with a path prefix): parameters in a fixed order, empty ones left out. */
export function embedUrl(server: string, p: EmbedParams): string {
  const url = new URL(server.replace(/\/+$/, '') + '/embed');
  url.searchParams.set('tenant', p.tenant);
  url.searchParams.set('src', p.src);
  if (p.imageId) url.searchParams.set('image-id', p.imageId);
  if (p.theme) url.searchParams.set('theme', p.theme);
  if (p.locale) url.searchParams.set('locale', p.locale);
  if (p.alt) url.searchParams.set('alt', p.alt);
  return url.href;
}

/** `/oembed?url=…&format=json` for an embed address. */
export function oembedUrl(server: string, embed: string): string {
  const url = new URL(server.replace(/\/+$/, '') + '/oembed');
  url.searchParams.set('url', embed);
  url.searchParams.set('format', 'json');
  return url.href;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * The iframe that embeds an `/embed` address. Only `src`, `width`, `height`,
 * `title` and `frameborder` (what WordPress keeps of an untrusted provider's
 * iframe) carry meaning; the page posts its height, so `height` is a start.
 */
export function iframeHtml(src: string, size: { width: number; height: number }, title: string): string {
  return `<iframe src="${escapeHtml(src)}" width="${size.width}" height="${size.height}" title="${escapeHtml(title)}" frameborder="0" style="border:0;max-width:100%" loading="lazy"></iframe>`;
}

export const DEFAULT_EMBED_SIZE = { width: 800, height: 600 } as const;

export interface EmbedSnippets {
  /** The script tag and the element drawing `src`. */
  readonly script: string;
  /** The script tag and the element around an `<img>` the page has. */
  readonly wrapped: string;
  /** An iframe of `/embed` (Ghost, Notion, any HTML block). */
  readonly iframe: string;
  /** The `/embed` address alone: WordPress and other oEmbed consumers turn it into the iframe. */
  readonly oembed: string;
}

/** Every form of embed code for one image, copy-ready. */
export function embedSnippets(server: string, p: EmbedParams): EmbedSnippets {
  const base = server.replace(/\/+$/, '');
  const script = `<script type="module" src="${escapeHtml(base)}/image-chat.js"></script>`;
  const attrs = [
    `tenant="${escapeHtml(p.tenant)}"`,
    ...(p.imageId ? [`image-id="${escapeHtml(p.imageId)}"`] : []),
    ...(p.theme ? [`theme="${p.theme}"`] : []),
    ...(p.locale ? [`locale="${escapeHtml(p.locale)}"`] : []),
  ].join(' ');
  const src = p.src.startsWith('/') ? base + p.src : p.src;
  const alt = escapeHtml(p.alt ?? '');
  const url = embedUrl(base, p);
  return {
    script: `${script}\n<image-chat ${attrs} src="${escapeHtml(src)}" alt="${alt}"></image-chat>`,
    wrapped: `${script}\n<image-chat ${attrs}>\n  <img src="${escapeHtml(src)}" alt="${alt}">\n</image-chat>`,
    iframe: iframeHtml(url, DEFAULT_EMBED_SIZE, p.alt || 'Image with comments'),
    oembed: url,
  };
}

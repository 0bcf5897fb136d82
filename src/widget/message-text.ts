/**
 * A message as it is drawn: its text, with http(s) and mailto URLs turned into
 * links. Nothing else becomes markup: the text goes through Lit's text
 * bindings (escaped), and a link's href is a URL the browser itself parsed as
 * http, https or mailto, so no `javascript:` or `data:` can slip through.
 */
import { html, type TemplateResult } from 'lit';

export interface LinkPiece {
  readonly href: string;
  readonly text: string;
}

/** `rel` of every link in a message: user-generated, not endorsed, no access to this page. */
export const LINK_REL = 'noopener noreferrer nofollow ugc';

// A scheme at a word start, then anything up to white space or a character that never ends a URL in prose.
const URL_START = /\b(?:https?:\/\/|mailto:)[^\s<>"'`]+/gi;
// Punctuation that usually ends the sentence rather than the URL.
const TRAILING = /[.,;:!?'"’”»]+$/;

/** Drops a closing bracket the URL did not open (the URL was written in brackets). */
function trimUnbalanced(url: string): string {
  let out = url;
  for (;;) {
    const trimmed = out.replace(TRAILING, '');
    const last = trimmed.at(-1);
    const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
    const open = last ? pairs[last] : undefined;
    if (open && trimmed.split(last!).length > trimmed.split(open).length) out = trimmed.slice(0, -1);
    else return trimmed;
  }
}

function linkOf(candidate: string): LinkPiece | undefined {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (url.protocol === 'mailto:') return url.pathname.includes('@') ? { href: url.href, text: candidate } : undefined;
  if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname) return { href: url.href, text: candidate };
  return undefined;
}

/** The text cut into plain strings and links, in order. */
export function linkPieces(text: string): (string | LinkPiece)[] {
  const out: (string | LinkPiece)[] = [];
  let at = 0;
  for (const m of text.matchAll(URL_START)) {
    const candidate = trimUnbalanced(m[0]);
    const link = candidate ? linkOf(candidate) : undefined;
    if (!link) continue;
    if (m.index > at) out.push(text.slice(at, m.index));
    out.push(link);
    at = m.index + candidate.length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** The message's content: text, and links that open in a new tab (mailto in place). */
export function messageText(text: string): TemplateResult {
  return html`${linkPieces(text).map((p) =>
    typeof p === 'string'
      ? p
      : p.href.startsWith('mailto:')
        ? html`<a href=${p.href} rel=${LINK_REL}>${p.text}</a>`
        : html`<a href=${p.href} rel=${LINK_REL} target="_blank">${p.text}</a>`,
  )}`;
}

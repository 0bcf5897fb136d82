/**
 * An image's conversations as W3C Web Annotations (JSON-LD), so they can leave
 * for other tools: one AnnotationCollection whose one embedded AnnotationPage
 * holds one `commenting` Annotation per conversation, a TextualBody per comment,
 * and the marker as a media-fragment point, `xywh=percent:X,Y,0,0`.
 * https://www.w3.org/TR/annotation-model/ and https://www.w3.org/TR/annotation-protocol/
 *
 * Pure: the route streams the collection's opening, each annotation, then its
 * close, so a large image is never one string; `annotationCollection` joins
 * the same parts (tests, small callers).
 */
import type { Author, Chat, Comment } from '../protocol/messages.ts';

export const ANNOTATION_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';
/** The media type the Web Annotation Protocol gives an annotation container. */
export const ANNOTATION_MEDIA_TYPE = `application/ld+json; profile="${ANNOTATION_CONTEXT}"`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What the annotations are about: the image id itself when it is an http(s)
 * URL (the widget's default id is the image's absolute URL), otherwise a URN
 * naming the tenant's image, since a target must be an IRI.
 */
export function annotationSource(tenant: string, image: string): string {
  if (/^https?:\/\//i.test(image) && URL.canParse(image)) return new URL(image).href;
  return `urn:image-chat:${encodeURIComponent(tenant)}:${encodeURIComponent(image)}`;
}

/** A fraction 0..1 as a percentage with at most 3 decimals, never in exponent notation. */
const percent = (fraction: number): string => String(Math.round(fraction * 100_000) / 1000);

const iso = (ms: number): string => new Date(ms).toISOString();

const person = (author: Author) => ({ type: 'Person', name: author.name });

/**
 * Server-made ids are UUIDs: `urn:uuid:` makes a stable IRI of them, the same
 * on every export and whichever host served it. Anything else hangs off the collection.
 */
const iriOf = (id: string, collectionId: string): string => (UUID.test(id) ? `urn:uuid:${id.toLowerCase()}` : `${collectionId}#${encodeURIComponent(id)}`);

function body(comment: Comment, index: number, collectionId: string) {
  return {
    id: iriOf(comment.id, collectionId),
    type: 'TextualBody',
    // The opening comment says what the marker is about; the others answer it.
    purpose: index === 0 ? 'commenting' : 'replying',
    value: comment.text,
    format: 'text/plain',
    creator: person(comment.author),
    created: iso(comment.createdAt),
    ...(comment.editedAt === undefined ? {} : { modified: iso(comment.editedAt) }),
  };
}

/** One conversation as an Annotation of `source`. */
export function toAnnotation(chat: Chat, source: string, collectionId: string) {
  return {
    id: iriOf(chat.id, collectionId),
    type: 'Annotation',
    motivation: 'commenting',
    creator: person(chat.author),
    created: iso(chat.createdAt),
    body: chat.comments.map((c, i) => body(c, i, collectionId)),
    target: {
      source,
      selector: {
        type: 'FragmentSelector',
        conformsTo: 'http://www.w3.org/TR/media-frags/',
        value: `xywh=percent:${percent(chat.x)},${percent(chat.y)},0,0`,
      },
    },
  };
}

export interface CollectionParts {
  /** JSON text up to and including the opening bracket of the page's `items`. */
  readonly open: string;
  /** One annotation's JSON text. */
  item(chat: Chat): string;
  /** JSON text closing `items`, the page and the collection, once `total` annotations were written. */
  close(total: number): string;
}

/** The collection at `collectionId` (the export's own URL) of the tenant's image, in parts. */
export function collectionParts(collectionId: string, tenant: string, image: string): CollectionParts {
  const source = annotationSource(tenant, image);
  const pageId = `${collectionId}#page-0`;
  const head = {
    '@context': ANNOTATION_CONTEXT,
    id: collectionId,
    type: 'AnnotationCollection',
    label: `Conversations on ${image}`,
    last: pageId,
  };
  const page = { id: pageId, type: 'AnnotationPage', partOf: collectionId, startIndex: 0 };
  return {
    open: `${JSON.stringify(head).slice(0, -1)},"first":${JSON.stringify(page).slice(0, -1)},"items":[`,
    item: (chat) => JSON.stringify(toAnnotation(chat, source, collectionId)),
    close: (total) => `]},"total":${total}}`,
  };
}

/** The whole collection at once, from the same parts the route streams. */
export function annotationCollection(collectionId: string, tenant: string, image: string, chats: readonly Chat[]): unknown {
  const parts = collectionParts(collectionId, tenant, image);
  return JSON.parse(`${parts.open}${chats.map((c) => parts.item(c)).join(',')}${parts.close(chats.length)}`);
}

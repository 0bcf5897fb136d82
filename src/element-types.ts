/**
 * The element's attributes and events as types, for pages and frameworks (the React typings in
 * react.ts build on them). They restate the element contract of image-chat.ts's JSDoc header, which
 * custom-elements.json is generated from; a test keeps the three in step.
 */
import type { ImageChatChangeDetail, ImageChatErrorDetail, ImageChatStatus } from './widget/templates.ts';
import type { Theme } from './widget/theme-controller.ts';

/** What a page may write on `<image-chat>`. `status` is left out: the element sets it. */
export interface ImageChatAttributes {
  src?: string;
  alt?: string;
  server?: string;
  tenant?: string;
  'image-id'?: string;
  'user-name'?: string;
  'user-token'?: string;
  locale?: string;
  readonly?: boolean;
  /** Hides resolved conversations' markers on the image (the list still shows them). */
  'hide-resolved'?: boolean;
  theme?: Theme;
}

/** Detail of `image-chat-status`. */
export interface ImageChatStatusDetail {
  readonly status: ImageChatStatus;
}

/** The element's events (they bubble and cross shadow roots, so a parent or the document may listen). */
export interface ImageChatEventMap {
  'image-chat-created': CustomEvent<ImageChatChangeDetail>;
  'image-chat-updated': CustomEvent<ImageChatChangeDetail>;
  'image-chat-deleted': CustomEvent<ImageChatChangeDetail>;
  'image-chat-status': CustomEvent<ImageChatStatusDetail>;
  'image-chat-error': CustomEvent<ImageChatErrorDetail>;
}

declare global {
  // `el.addEventListener('image-chat-created', (e) => e.detail.chat)` is typed on any element, document and window.
  interface GlobalEventHandlersEventMap extends ImageChatEventMap {}
}

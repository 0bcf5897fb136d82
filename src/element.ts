/**
 * `image-chat/element`: the element's class and types, registering nothing, for a page or framework
 * that registers it itself (under another tag, or later). The popup and text box it renders,
 * `<image-chat-thread>` and `<image-chat-composer>`, are its internals: they arrive with the widget's
 * lazily loaded parts (widget/parts.ts) and define themselves then.
 *
 * ```js
 * import { ImageChat } from 'image-chat/element';
 * customElements.define('review-pins', ImageChat);
 * ```
 */
export { ImageChat } from './widget/image-chat.ts';
export { VERSION, defineOnce } from './widget/define.ts';
export type { ImageChatChangeDetail, ImageChatErrorDetail, ImageChatStatus } from './widget/image-chat.ts';
export type { ImageChatAttributes, ImageChatEventMap, ImageChatStatusDetail } from './element-types.ts';
export type { Theme } from './widget/theme-controller.ts';
export type { ChatView, CommentView } from './widget/chat-list.ts';
export { ActionError, Connection } from './sync/connection.ts';
export { acquireConnection } from './sync/registry.ts';
export { TabConnection } from './sync/tab-connection.ts';
export type { ChatConnection } from './sync/types.ts';
export type { ConnectionState, ConnectionStatus } from './sync/state.ts';
export type * from './protocol/messages.ts';
export { MAX_TEXT_CHARS, MAX_IMAGE_ID_CHARS } from './protocol/limits.ts';

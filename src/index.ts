/**
 * The widget bundle: `<script type="module" src=".../image-chat.js">` defines
 * `<image-chat>` (and its thread popup `<image-chat-thread>` and text box
 * `<image-chat-composer>`) once.
 */
import { ImageChat } from './widget/image-chat.ts';
import { ImageChatThread } from './widget/chat-thread.ts';
import { ImageChatComposer } from './widget/composer.ts';

if (!customElements.get('image-chat-thread')) customElements.define('image-chat-thread', ImageChatThread);
if (!customElements.get('image-chat-composer')) customElements.define('image-chat-composer', ImageChatComposer);
if (!customElements.get('image-chat')) customElements.define('image-chat', ImageChat);

export { ImageChat, ImageChatThread, ImageChatComposer };
export type { ImageChatChangeDetail, ImageChatErrorDetail, ImageChatStatus } from './widget/image-chat.ts';
export type { ChatView, CommentView } from './widget/chat-list.ts';
export { ActionError, Connection } from './sync/connection.ts';
export { acquireConnection } from './sync/registry.ts';
export { TabConnection } from './sync/tab-connection.ts';
export type { ChatConnection } from './sync/types.ts';
export type { ConnectionState, ConnectionStatus } from './sync/state.ts';
export type * from './protocol/messages.ts';
export { MAX_TEXT_CHARS, MAX_IMAGE_ID_CHARS } from './protocol/limits.ts';

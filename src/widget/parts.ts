/**
 * The parts of <image-chat> a visitor meets only once they act: the thread popup, the text boxes (with
 * their drafts' questions, the in-place confirm, links in messages, the popup's focus trap), the phone
 * sheet, the list of conversations, moving a marker, the avatars of who else is viewing and the words
 * for errors, with their styles and English sentences. A chunk of its own, fetched by parts-loader.ts the first time someone
 * points at, touches or tabs into an element (or opens something): a visitor who only looks at the
 * image and its markers never downloads it.
 */
import { defineOnce } from './define.ts';
import { ImageChatThread } from './chat-thread.ts';
import { ImageChatComposer } from './composer.ts';
import { listStyles } from './list.styles.ts';
import { threadStyles } from './thread.styles.ts';
import { sheetStyles } from './sheet.styles.ts';
import { presenceStyles } from './presence.styles.ts';
import { addEnglish } from './i18n/i18n.ts';
import { enParts } from './i18n/en-parts.ts';

export { NewChatController } from './new-chat.ts';
export { ThreadPopup } from './thread-popup.ts';
export * as chatActions from './chat-actions.ts';
export { drafts, draftKey } from './draft-store.ts';
export { goneText, popupStyle } from './popups.ts';
export { errorReason, errorSentence } from './i18n/error-reason.ts';
export { SheetController } from './sheet.ts';
export { NarrowController } from './narrow-controller.ts';
export { ListPanel } from './list-panel.ts';
export { MarkerMove } from './marker-move.ts';
export { presenceBadge } from './presence-view.ts';
export { ImageChatThread, ImageChatComposer };

/** Added to each element's shadow root when the parts arrive. */
export const partStyles = [listStyles, threadStyles, sheetStyles, presenceStyles];

addEnglish(enParts);
// Under these names whatever tag the page registered <image-chat> under (the `./element` export).
defineOnce('image-chat-thread', ImageChatThread);
defineOnce('image-chat-composer', ImageChatComposer);

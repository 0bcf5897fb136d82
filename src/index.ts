/**
 * The widget: `<script type="module" src=".../image-chat.js">` (this file bundled with Lit, what the
 * server serves) or `import 'image-chat'` (the npm package) defines `<image-chat>` once — a second
 * copy on the page does not throw, and warns when its version differs (widget/define.ts). Everything
 * `image-chat/element` exports is exported here too.
 */
import { ImageChat } from './widget/image-chat.ts';
import { defineOnce } from './widget/define.ts';

defineOnce('image-chat', ImageChat);

export * from './element.ts';

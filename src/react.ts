/**
 * `image-chat/react`: defines `<image-chat>` (as `image-chat` does) and types it in React 19's JSX,
 * which hands custom elements their properties and events directly: `tenant`, `readonly`, `theme`…
 * are checked, and `onimage-chat-created={(e) => e.detail.chat}` is a typed event listener.
 *
 * ```tsx
 * import 'image-chat/react';
 * <image-chat server="https://chat.example.com" tenant="acme" src="/mockup.png" onimage-chat-created={…} />
 * ```
 */
import './index.ts';
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { ImageChat } from './widget/image-chat.ts';
import type { ImageChatAttributes, ImageChatEventMap } from './element-types.ts';

/** React 19 adds a listener for a custom element's `on<event name>` prop. */
export type ImageChatEventProps = { [K in keyof ImageChatEventMap as `on${K}`]?: (event: ImageChatEventMap[K]) => void };

export type ImageChatProps = DetailedHTMLProps<HTMLAttributes<ImageChat>, ImageChat> & ImageChatAttributes & ImageChatEventProps;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'image-chat': ImageChatProps;
    }
  }
}

import { css } from 'lit';

/**
 * The `status` banner (status-banner.ts). Zero high, in the flow under the image, sticky: on an
 * element taller than the viewport it rides the viewport's bottom edge, and sits on the element's
 * bottom edge once that is in view. Its classes are used nowhere else in the shadow root, so they need no
 * `[part~='status']` before them. (Comments stay out of the css literal: it ships as written.)
 */
export const statusBannerStyles = css`
  [part~='status'] {
    position: sticky;
    bottom: 8px;
    z-index: 3;
    display: block;
    height: 0;
    margin: 0 8px;
    line-height: 1.4;
    pointer-events: none;
  }
  .banner {
    position: absolute;
    bottom: 0;
    inset-inline: 0;
    width: fit-content;
    max-width: 100%;
    margin: 0 auto;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 10px;
    padding: 6px 12px;
    pointer-events: auto;
    border-radius: var(--image-chat-radius);
    background: var(--image-chat-popup-bg);
    color: var(--image-chat-popup-fg);
    box-shadow: var(--image-chat-shadow);
    border: 1px solid var(--image-chat-border);
  }
  .error,
  .warning {
    border-color: var(--image-chat-danger);
  }
  .error {
    color: var(--image-chat-danger);
  }
  .countdown {
    color: var(--image-chat-muted-fg);
    font-variant-numeric: tabular-nums;
  }
  .dismiss {
    margin-inline-end: -6px;
  }
  @media (pointer: coarse) {
    .banner button {
      min-height: 44px;
      min-width: 44px;
    }
  }
`;

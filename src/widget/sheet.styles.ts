import { css } from 'lit';

/**
 * The full-screen sheet (sheet.ts) and touch-sized controls in popups. The sheet rule has two
 * attribute selectors to win over the popup's own position, size and frame; its padding keeps a
 * readable column on a wide screen (a narrow element in a sidebar) and goes edge to edge on a phone;
 * `overscroll-behavior` keeps the page behind from scrolling when the sheet's end is reached; text
 * boxes are 16px or more, or iOS zooms in on focus; a finger needs 44px wherever the element is
 * (markers size themselves). Comments stay out of the css literal: it ships as written.
 */
export const sheetStyles = css`
  [part][data-sheet] {
    position: fixed;
    inset: 0;
    z-index: var(--image-chat-sheet-z-index, 2147483000);
    width: auto;
    height: auto;
    max-width: none;
    max-height: none;
    margin: 0;
    border: 0;
    border-radius: 0;
    box-shadow: none;
    padding: 0 max(16px, calc(50% - 320px)) max(16px, env(safe-area-inset-bottom));
    gap: 12px;
    overflow: auto;
    overscroll-behavior: contain;
    background: var(--image-chat-popup-bg);
    color: var(--image-chat-popup-fg);
    font-size: max(16px, var(--image-chat-font-size));
  }
  [part][data-sheet]:focus {
    outline: none;
  }
  [data-sheet] .thread-head,
  [data-sheet] .sheet-head {
    position: sticky;
    top: 0;
    z-index: 1;
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 0;
    background: var(--image-chat-popup-bg);
    border-bottom: 1px solid var(--image-chat-border);
  }
  [data-sheet] .title {
    flex: 1;
    min-width: 0;
  }
  [data-sheet] textarea {
    font-size: max(16px, 1em);
    min-height: 6em;
  }
  [data-sheet] button {
    min-height: 44px;
    min-width: 44px;
  }
  [data-sheet] .link,
  [data-sheet] .back {
    padding: 0 12px;
  }
  [data-sheet] .icon {
    font-size: 1.6em;
  }
  @media (pointer: coarse) {
    .popup button,
    [part~='thread'] button {
      min-height: 44px;
      min-width: 44px;
    }
  }
`;

/**
 * Styles of what comes with the parts for the markers (marker-move.ts, list-panel.ts): the marker being
 * moved, and the list panel on the popups' surface (thread.styles.ts, which follows these). They arrive
 * with parts.ts. Comments stay out of the css literal: it ships as written.
 */
import { css } from 'lit';

export const listStyles = css`
  [part~='marker'][data-moving] {
    z-index: 2;
    cursor: grabbing;
    opacity: 1;
    outline: 3px dashed var(--image-chat-focus-ring);
    outline-offset: 2px;
  }
  .list-panel {
    width: min(340px, calc(100% - 16px));
  }
  .list-panel.sheet {
    position: fixed;
    inset: 0;
    z-index: 2147483000;
    width: auto;
    max-height: none;
    border: 0;
    border-radius: 0;
    padding: 12px 16px;
  }
  .list-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
  }
  .list-title {
    margin: 0;
    font-size: 1em;
    font-weight: 600;
  }
  .list-filter {
    border: 0;
    margin: 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 12px;
  }
  .list-filter legend {
    float: inline-start;
    padding: 0;
    margin-inline-end: 4px;
    font-weight: 600;
  }
  .filter-option,
  .hide-resolved {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    cursor: pointer;
  }
  .list-entries {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  .entry {
    width: 100%;
    display: flex;
    align-items: flex-start;
    gap: 8px;
    padding: 6px 8px;
    text-align: start;
    background: transparent;
    color: inherit;
    border-color: var(--image-chat-border);
  }
  .entry .badge {
    flex: none;
    border-radius: 50% 50% 50% 0;
  }
  .entry .resolved-tag {
    font-size: inherit;
  }
  .entry[data-resolved] .badge {
    background: var(--image-chat-marker-resolved-color);
  }
  .entry-body {
    display: flex;
    flex-direction: column;
    min-width: 0;
  }
  .entry-text {
    display: -webkit-box;
    -webkit-line-clamp: 2;
    -webkit-box-orient: vertical;
    overflow: hidden;
    overflow-wrap: anywhere;
  }
  .entry-meta {
    display: flex;
    flex-wrap: wrap;
    gap: 0 6px;
    font-size: 0.85em;
    color: var(--image-chat-muted-fg);
  }
  .entry-meta > * + *::before {
    content: '·';
    margin-inline-end: 6px;
  }
  .list-empty {
    margin: 0;
    color: var(--image-chat-muted-fg);
  }
  @media (pointer: coarse) {
    .list-panel button,
    .filter-option,
    .hide-resolved {
      min-width: 44px;
      min-height: 44px;
    }
    .list-panel input {
      width: 20px;
      height: 20px;
    }
  }
`;

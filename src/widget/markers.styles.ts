/**
 * Styles of what marker-layer.ts draws before the parts arrive: pins whose tip
 * (the square corner) is the point, clusters, the list toggle (the list panel
 * and the marker being moved: list.styles.ts, in the parts). Sizes come from the layer
 * (`--ic-pin`, `--ic-cluster`), which clusters with the same numbers.
 *
 * Why, since comments inside the template would ship: the dark resolved colour
 * gives 7.3:1 under the dark marker text (#0b1220; #6b7280 gave 3.87:1).
 * Clusters are drawn inverted (the popup's colours in an accent ring) so their
 * count never reads as a marker's number. The data-tip rules put the square corner (the tip) on the point and the body
 * into the image. A marker is its own hit area (the base ::after grew it by
 * 8 px, taking clicks meant for a neighbour 2 px away); on a touch screen the
 * layer makes it 44 px. A movable marker has touch-action: none, so a finger
 * drags it instead of scrolling the page. The placing preview is a ring centred
 * on the point: the pin's tip lands at its centre.
 */
import { css } from 'lit';

export const markerStyles = css`
  :host([data-theme='dark']) {
    --image-chat-marker-resolved-color: #9ca3af;
  }
  [part~='marker'] {
    width: var(--ic-pin, var(--image-chat-marker-size));
    height: var(--ic-pin, var(--image-chat-marker-size));
  }
  [part~='marker'][data-tip='bottom-left'] {
    transform: translate(0, -100%);
    border-radius: 50% 50% 50% 0;
  }
  [part~='marker'][data-tip='bottom-right'] {
    transform: translate(-100%, -100%);
    border-radius: 50% 50% 0 50%;
  }
  [part~='marker'][data-tip='top-left'] {
    transform: none;
    border-radius: 0 50% 50% 50%;
  }
  [part~='marker'][data-tip='top-right'] {
    transform: translate(-100%, 0);
    border-radius: 50% 0 50% 50%;
  }
  [part~='marker']::after {
    inset: 0;
  }
  [part~='marker'][data-movable] {
    touch-action: none;
  }
  [part~='marker'][data-above] {
    z-index: 1;
  }
  .ghost {
    border-radius: 50%;
  }
  [part~='cluster'] {
    position: absolute;
    width: var(--ic-cluster);
    height: var(--ic-cluster);
    min-height: 0;
    padding: 0;
    border-radius: 50%;
    border: 3px solid var(--image-chat-marker-color);
    background: var(--image-chat-popup-bg);
    color: var(--image-chat-popup-fg);
    box-shadow:
      0 0 0 3px color-mix(in srgb, var(--image-chat-marker-color) 35%, transparent),
      0 2px 6px rgba(0, 0, 0, 0.35);
    font: 700 calc(var(--ic-cluster) * 0.36) / 1 var(--image-chat-font);
    display: grid;
    place-items: center;
    cursor: pointer;
  }
  .list-toggle {
    position: absolute;
    z-index: 2;
    display: inline-flex;
    align-items: center;
    gap: 4px;
    min-width: 32px;
    min-height: 32px;
    padding: 2px 8px;
    line-height: 1;
    background: var(--image-chat-popup-bg);
    color: var(--image-chat-popup-fg);
    border-color: var(--image-chat-border);
    box-shadow: 0 2px 6px rgba(0, 0, 0, 0.25);
  }
  @media (pointer: coarse) {
    .list-toggle,
    [part~='cluster'] {
      min-width: 44px;
      min-height: 44px;
    }
  }

  :host {
    --image-chat-unread-color: #b91c1c;
    --image-chat-unread-fg: #ffffff;
  }
  :host([data-theme='dark']) {
    --image-chat-unread-color: #f87171;
    --image-chat-unread-fg: #0b1220;
  }

  /* Activity on the marker: its reply count, coloured (or a dot) when something is unread. On the
     marker's top end corner (top left in Hebrew and Arabic, as badges are there); the pin itself never mirrors. */
  [part~='marker'][data-replies]:not([data-replies='0'])::before,
  [part~='marker'][data-unread]::before {
    content: attr(data-replies);
    position: absolute;
    top: -8px;
    inset-inline-end: -10px;
    min-width: 18px;
    height: 18px;
    padding: 0 4px;
    border-radius: 9px;
    font: 600 11px/16px var(--image-chat-font);
    text-align: center;
    background: var(--image-chat-popup-bg);
    color: var(--image-chat-popup-fg);
    border: 1px solid var(--image-chat-border);
    pointer-events: none;
  }
  [part~='marker'][data-unread]::before {
    background: var(--image-chat-unread-color);
    color: var(--image-chat-unread-fg);
    border-color: var(--image-chat-popup-bg);
  }
  [part~='marker'][data-unread][data-replies='0']::before {
    content: '';
    min-width: 12px;
    height: 12px;
    top: -4px;
    inset-inline-end: -4px;
    padding: 0;
  }
`;

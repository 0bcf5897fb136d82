/**
 * Styles of what marker-layer.ts draws before the parts arrive: pins whose tip
 * (the square corner) is the point, clusters, the list toggle (the list panel
 * and the marker being moved: list.styles.ts, in the parts). Sizes come from the layer
 * (`--ic-pin`, `--ic-cluster`), which clusters with the same numbers.
 *
 * Why, since comments inside the template would ship: the dark resolved colour
 * gives 7.3:1 under the dark marker text (#0b1220; #6b7280 gave 3.87:1).
 * Clusters are drawn inverted (the popup's colours in an accent ring) so their
 * count never reads as a marker's number. The data-tip rules (every marker the
 * layer draws has one) put the square corner (the tip) on the point and the
 * body into the image. A marker is its own hit area (an ::after 8 px larger
 * took clicks meant for a neighbour 2 px away); on a touch screen the layer
 * makes it 44 px. A movable marker has touch-action: none, so a finger drags
 * it instead of scrolling the page. The placing preview (new-chat.ts's ghost)
 * is a ring centred on the point: the pin's tip lands at its centre. The
 * attributes keyed on alone (data-tip, data-movable, data-above) are only on
 * markers.
 */
import { css } from 'lit';

export const markerStyles = css`
  [part~='marker'],
  .ghost {
    position: absolute;
    transform: translate(-50%, -50%);
    width: var(--ic-pin, var(--image-chat-marker-size));
    height: var(--ic-pin, var(--image-chat-marker-size));
    min-width: 24px;
    min-height: 24px;
    padding: 0;
    border-radius: 50%;
    border: 2px solid var(--image-chat-marker-fg);
    background: var(--image-chat-marker-color);
    color: var(--image-chat-marker-fg);
    font: 600 calc(var(--image-chat-marker-size) * 0.42) / 1 var(--image-chat-font);
    box-shadow: 0 2px 6px rgba(0, 0, 0, 0.35);
    cursor: pointer;
    display: grid;
    place-items: center;
  }
  [data-tip='bottom-left'] {
    transform: translate(0, -100%);
    border-radius: 50% 50% 50% 0;
  }
  [data-tip='bottom-right'] {
    transform: translate(-100%, -100%);
    border-radius: 50% 50% 0 50%;
  }
  [data-tip='top-left'] {
    transform: none;
    border-radius: 0 50% 50% 50%;
  }
  [data-tip='top-right'] {
    transform: translate(-100%, 0);
    border-radius: 50% 0 50% 50%;
  }
  [part~='marker']::after {
    content: '';
    position: absolute;
    inset: 0;
  }
  [part~='marker'][data-resolved] {
    background: var(--image-chat-marker-resolved-color);
  }
  [part~='marker'][data-pending] {
    opacity: 0.65;
    border-style: dashed;
  }
  .ghost {
    opacity: 0.65;
    border: 3px dashed var(--image-chat-marker-color);
    background: transparent;
    pointer-events: none;
  }
  [data-movable] {
    touch-action: none;
  }
  [data-above] {
    z-index: 1;
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
  /* As specific as the rule above (a marker always has data-replies), so that it wins with replies too. */
  [part~='marker'][data-replies][data-unread]::before {
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

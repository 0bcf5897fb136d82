/**
 * Where markers are drawn at the displayed size, pure: each pin with its tip
 * exactly on its point and its body inside the image, and the pins that would
 * overlap drawn as one cluster instead.
 *
 * Clustering is greedy, in the order given (creation order, so the result is
 * the same for everyone and does not jump when an unrelated marker changes):
 * each item not yet taken in this pass takes every later one, not yet taken,
 * whose box comes within `gap` px of its own, and they become one cluster
 * centred on their points' mean. A new cluster may now touch something else,
 * so passes repeat until one merges nothing; every merge removes an item, so
 * it ends.
 * Neighbours are found through a uniform grid whose cells are as large as the
 * largest box plus the gap: two boxes close enough to merge have their corners
 * in the same or adjacent cells, so each item looks at 9 cells, not at every
 * other item. `naiveNeighbours` is the O(n²) peer the bench compares it with
 * (same answer: the members of a merge do not depend on the order they are found in).
 */

/** Which corner of the pin is its tip: the body goes the other way. */
export type Tip = 'bottom-left' | 'bottom-right' | 'top-left' | 'top-right';

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** A marker to place: its id and its point as fractions of the image. */
export interface PinInput {
  readonly id: string;
  readonly x: number;
  readonly y: number;
}

export interface PlacedPin {
  readonly kind: 'marker';
  readonly id: string;
  readonly tip: Tip;
  /** In px of the image content. */
  readonly box: Box;
}

export interface PlacedCluster {
  readonly kind: 'cluster';
  /** The markers it stands for, in the order given. */
  readonly ids: readonly string[];
  readonly box: Box;
}

export type Placed = PlacedPin | PlacedCluster;

export interface LayoutOptions {
  /** Displayed image content, px. */
  readonly width: number;
  readonly height: number;
  /** A pin's side, px. */
  readonly pinSize: number;
  /** A cluster's side, px (at least pinSize). */
  readonly clusterSize: number;
  /** Closer than this (px) counts as overlapping. */
  readonly gap: number;
}

/** Finds, for item `i`, the items not yet taken whose boxes may come near its own (a superset is fine). */
export type NeighbourFinder = (boxes: readonly Box[], alive: readonly boolean[], cell: number) => (i: number) => number[];

const clampTo = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), Math.max(lo, hi));

/**
 * The pin whose tip is at (px, py): its body goes up and to the right of the
 * tip, or left where it would leave the image on the right, or down where it
 * would leave it at the top. So the tip stays on the point and the pin inside.
 */
export function placePin(px: number, py: number, size: number, width: number, height: number): { tip: Tip; box: Box } {
  const left = px + size > width && px - size >= 0;
  const down = py - size < 0 && py + size <= height;
  const tip: Tip = `${down ? 'top' : 'bottom'}-${left ? 'right' : 'left'}`;
  const x0 = left ? px - size : px;
  const y0 = down ? py : py - size;
  return { tip, box: { left: x0, top: y0, right: x0 + size, bottom: y0 + size } };
}

/** A cluster's box: centred on (cx, cy), moved inside the image where it would stick out. */
export function clusterBox(cx: number, cy: number, size: number, width: number, height: number): Box {
  const left = clampTo(cx - size / 2, 0, width - size);
  const top = clampTo(cy - size / 2, 0, height - size);
  return { left, top, right: left + size, bottom: top + size };
}

/** True when the boxes overlap or come closer than `gap`. */
export function near(a: Box, b: Box, gap: number): boolean {
  return a.left < b.right + gap && b.left < a.right + gap && a.top < b.bottom + gap && b.top < a.bottom + gap;
}

export const gridNeighbours: NeighbourFinder = (boxes, alive, cell) => {
  const cells = new Map<number, number[]>();
  // Columns and rows stay far below 2^20 for any image a browser can draw.
  const key = (cx: number, cy: number) => cx * 1_048_576 + cy;
  const cols = boxes.map((b) => Math.floor(b.left / cell));
  const rows = boxes.map((b) => Math.floor(b.top / cell));
  for (let i = 0; i < boxes.length; i++) {
    const k = key(cols[i]!, rows[i]!);
    const list = cells.get(k);
    if (list) list.push(i);
    else cells.set(k, [i]);
  }
  return (i) => {
    const out: number[] = [];
    const cx = cols[i]!;
    const cy = rows[i]!;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const list = cells.get(key(cx + dx, cy + dy));
        if (list) for (const j of list) if (j > i && alive[j]) out.push(j);
      }
    }
    return out;
  };
};

export const naiveNeighbours: NeighbourFinder = (boxes, alive) => (i) => {
  const out: number[] = [];
  for (let j = i + 1; j < boxes.length; j++) if (alive[j]) out.push(j);
  return out;
};

interface Item {
  /** Indexes into the pins, ascending. */
  readonly members: readonly number[];
  /** Sum of the members' points, px, for their mean. */
  readonly sx: number;
  readonly sy: number;
  readonly placed: Placed;
}

/** Places every pin and clusters those that would overlap; the result holds each id exactly once. */
export function layoutMarkers(pins: readonly PinInput[], o: LayoutOptions, neighbours: NeighbourFinder = gridNeighbours): Placed[] {
  const { width, height, pinSize, gap } = o;
  const clusterSize = Math.max(o.clusterSize, pinSize);
  let items: Item[] = pins.map((p, index) => {
    const px = clampTo(p.x, 0, 1) * width;
    const py = clampTo(p.y, 0, 1) * height;
    const { tip, box } = placePin(px, py, pinSize, width, height);
    return { members: [index], sx: px, sy: py, placed: { kind: 'marker', id: p.id, tip, box } };
  });
  const cell = clusterSize + gap;
  for (;;) {
    const boxes = items.map((it) => it.placed.box);
    const alive = items.map(() => true);
    const find = neighbours(boxes, alive, cell);
    const next: Item[] = [];
    let merged = false;
    for (let i = 0; i < items.length; i++) {
      if (!alive[i]) continue;
      alive[i] = false;
      const item = items[i]!;
      const group = find(i)
        .filter((j) => j > i && near(boxes[i]!, boxes[j]!, gap))
        .sort((a, b) => a - b); // the same sums, to the last bit, whoever found them
      if (group.length === 0) {
        next.push(item);
        continue;
      }
      merged = true;
      let { sx, sy } = item;
      const members = [...item.members];
      for (const j of group) {
        alive[j] = false;
        const other = items[j]!;
        sx += other.sx;
        sy += other.sy;
        members.push(...other.members);
      }
      members.sort((a, b) => a - b);
      const box = clusterBox(sx / members.length, sy / members.length, clusterSize, width, height);
      const ids = members.map((m) => pins[m]!.id);
      next.push({ members, sx, sy, placed: { kind: 'cluster', ids, box } });
    }
    items = next;
    if (!merged) break;
  }
  return items.map((it) => it.placed);
}

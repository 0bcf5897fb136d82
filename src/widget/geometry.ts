/**
 * Placement math, pure: where an image's content is drawn inside its box for
 * each `object-fit` (letterbox-aware), and point ↔ fraction conversion.
 */

export type ObjectFit = 'fill' | 'contain' | 'cover' | 'none' | 'scale-down';

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Rect extends Point, Size {}

/** Where the content's spare space goes: 0 = start, 0.5 = centre, 1 = end, or a px offset. */
export interface ObjectPosition {
  readonly x: { readonly fraction: number } | { readonly px: number };
  readonly y: { readonly fraction: number } | { readonly px: number };
}

export const CENTER: ObjectPosition = { x: { fraction: 0.5 }, y: { fraction: 0.5 } };

export function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}

export function parseObjectFit(value: string | null | undefined): ObjectFit {
  const v = (value ?? '').trim();
  return v === 'contain' || v === 'cover' || v === 'none' || v === 'scale-down' ? v : 'fill';
}

const KEYWORDS: Record<string, number> = { left: 0, top: 0, center: 0.5, right: 1, bottom: 1 };

/** Reads a computed `object-position` such as `50% 50%`, `0px 10px`, `left top`. */
export function parseObjectPosition(value: string | null | undefined): ObjectPosition {
  const parts = (value ?? '').trim().split(/\s+/).filter(Boolean);
  const read = (token: string | undefined) => {
    if (token === undefined) return { fraction: 0.5 };
    if (token in KEYWORDS) return { fraction: KEYWORDS[token] ?? 0.5 };
    const n = parseFloat(token);
    if (!Number.isFinite(n)) return { fraction: 0.5 };
    return token.endsWith('%') ? { fraction: n / 100 } : { px: n };
  };
  let [first, second] = parts;
  // `top left` style: a vertical keyword given first.
  if (first === 'top' || first === 'bottom' || (second === 'left' || second === 'right')) [first, second] = [second, first];
  return { x: read(first), y: read(second) };
}

/**
 * The rectangle, relative to the box, where an image of `natural` size is drawn
 * inside a box of `box` size. It may be smaller than the box (letterbox bars)
 * or larger (cover/none crop). An unknown natural size is treated as `fill`.
 */
export function contentRect(box: Size, natural: Size, fit: ObjectFit, position: ObjectPosition = CENTER): Rect {
  if (fit === 'fill' || natural.width <= 0 || natural.height <= 0 || box.width <= 0 || box.height <= 0) {
    return { x: 0, y: 0, width: box.width, height: box.height };
  }
  const contain = Math.min(box.width / natural.width, box.height / natural.height);
  const scale =
    fit === 'contain'
      ? contain
      : fit === 'cover'
        ? Math.max(box.width / natural.width, box.height / natural.height)
        : fit === 'none'
          ? 1
          : Math.min(1, contain);
  const width = natural.width * scale;
  const height = natural.height * scale;
  const offset = (spare: number, p: ObjectPosition['x']) => ('px' in p ? p.px : spare * p.fraction);
  return { x: offset(box.width - width, position.x), y: offset(box.height - height, position.y), width, height };
}

/**
 * A point in box coordinates as fractions of the content, or null when it is
 * outside the content (a click in a letterbox bar). `tolerance` px at the edges
 * count as inside and are clamped.
 */
export function pointToFraction(point: Point, rect: Rect, tolerance = 0): Point | null {
  if (rect.width <= 0 || rect.height <= 0) return null;
  const fx = (point.x - rect.x) / rect.width;
  const fy = (point.y - rect.y) / rect.height;
  const tx = tolerance / rect.width;
  const ty = tolerance / rect.height;
  if (fx < -tx || fx > 1 + tx || fy < -ty || fy > 1 + ty) return null;
  return { x: clamp01(fx), y: clamp01(fy) };
}

/** A fraction of the content → a point in box coordinates (fractions are clamped to 0..1). */
export function fractionToPoint(fraction: Point, rect: Rect): Point {
  return { x: rect.x + clamp01(fraction.x) * rect.width, y: rect.y + clamp01(fraction.y) * rect.height };
}

/** Moves a fraction by a step, staying inside 0..1. */
export function nudge(fraction: Point, dx: number, dy: number): Point {
  return { x: clamp01(fraction.x + dx), y: clamp01(fraction.y + dy) };
}

/**
 * Where a popup of `size` goes next to an anchor point, kept inside `bounds`:
 * centred horizontally on the anchor, below it when the anchor is in the upper
 * half, above it otherwise. Returns the left, and either top or bottom, plus
 * the height it may use.
 */
export function placePopup(
  anchor: Point,
  width: number,
  bounds: Size,
  gap = 20,
  margin = 8,
): { left: number; width: number; top?: number; bottom?: number; maxHeight: number } {
  const w = Math.max(0, Math.min(width, bounds.width - 2 * margin));
  const left = Math.min(Math.max(anchor.x - w / 2, margin), Math.max(margin, bounds.width - w - margin));
  if (anchor.y <= bounds.height / 2) {
    const top = Math.min(anchor.y + gap, bounds.height - margin);
    return { left, width: w, top, maxHeight: Math.max(0, bounds.height - top - margin) };
  }
  const bottom = Math.max(bounds.height - anchor.y + gap, margin);
  return { left, width: w, bottom, maxHeight: Math.max(0, bounds.height - bottom - margin) };
}

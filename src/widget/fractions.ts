/**
 * Points as fractions of the image's content, pure: from a pointer, nudged by keys, clamped inside it;
 * and where a popup goes next to one. Used by placing, moving and the popups, so it comes with the
 * lazily loaded parts (geometry.ts has what the first load draws with).
 */
import type { Point, Rect, Size } from './geometry.ts';

export function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
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

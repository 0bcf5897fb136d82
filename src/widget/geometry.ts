/**
 * Placement math, pure: where an image's content is drawn inside its box for
 * each `object-fit` (letterbox-aware). Points as fractions of it are fractions.ts's.
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

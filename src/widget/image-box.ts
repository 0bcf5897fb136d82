/**
 * Tracks where an <img> displays its content inside the host (letterbox-aware,
 * after border and padding, honouring object-fit and object-position), on
 * resize of the host or the image and on image load.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { contentRect, parseObjectFit, parseObjectPosition, type Rect } from './geometry.ts';

export class ImageBox implements ReactiveController {
  /** The displayed image content, in the host's padding-box coordinates. */
  rect: Rect = { x: 0, y: 0, width: 0, height: 0 };
  #image: HTMLImageElement | undefined;
  readonly #resizer = new ResizeObserver(() => this.measure());
  readonly #onLoad = () => this.measure();
  readonly #host: ReactiveControllerHost & HTMLElement;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#resizer.observe(this.#host);
    if (this.#image) this.#watch(this.#image, true);
  }

  hostDisconnected(): void {
    this.#resizer.disconnect();
    this.#image?.removeEventListener('load', this.#onLoad);
  }

  /** Follows this image (call after each render; a no-op when unchanged). */
  track(image: HTMLImageElement | undefined): void {
    if (image === this.#image) return;
    if (this.#image) {
      this.#image.removeEventListener('load', this.#onLoad);
      this.#resizer.unobserve(this.#image);
    }
    this.#image = image;
    if (image) this.#watch(image, false);
  }

  #watch(image: HTMLImageElement, again: boolean): void {
    if (again) image.removeEventListener('load', this.#onLoad);
    image.addEventListener('load', this.#onLoad);
    this.#resizer.observe(image); // its first callback measures
  }

  measure(): void {
    const img = this.#image;
    if (!img) return;
    const host = this.#host.getBoundingClientRect();
    const r = img.getBoundingClientRect();
    const cs = getComputedStyle(img);
    const px = (v: string) => parseFloat(v) || 0;
    const [bl, br, bt, bb] = [cs.borderLeftWidth, cs.borderRightWidth, cs.borderTopWidth, cs.borderBottomWidth].map(px) as [number, number, number, number];
    const [pl, pr, pt, pb] = [cs.paddingLeft, cs.paddingRight, cs.paddingTop, cs.paddingBottom].map(px) as [number, number, number, number];
    const box = { width: Math.max(0, r.width - bl - br - pl - pr), height: Math.max(0, r.height - bt - bb - pt - pb) };
    const c = contentRect(box, { width: img.naturalWidth, height: img.naturalHeight }, parseObjectFit(cs.objectFit), parseObjectPosition(cs.objectPosition));
    const next = {
      x: r.left - host.left - this.#host.clientLeft + bl + pl + c.x,
      y: r.top - host.top - this.#host.clientTop + bt + pt + c.y,
      width: c.width,
      height: c.height,
    };
    const o = this.rect;
    if (Math.abs(o.x - next.x) + Math.abs(o.y - next.y) + Math.abs(o.width - next.width) + Math.abs(o.height - next.height) > 0.01) {
      this.rect = next;
      this.#host.requestUpdate();
    }
  }
}

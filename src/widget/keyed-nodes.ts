/**
 * A list drawn by key, for the marker layer: each key's DOM lives on from one render to the next and
 * is never moved while the keys around it come and go, so focus and a drag's pointer capture stay on
 * the same conversation's marker. Lit's `repeat` does this too, at twice the size in the first load.
 * Each item is rendered (lit's `render`) into an element of its own; those and the box holding them
 * are `display: contents`, so the items are laid out and read as children of the box's parent.
 */
import { render, type TemplateResult } from 'lit';

const contents = (): HTMLElement => {
  const el = document.createElement('span');
  el.style.display = 'contents';
  return el;
};

export class KeyedNodes {
  /** Goes in a template where the items should be: the same node each render. */
  readonly box = contents();
  readonly #items = new Map<string, HTMLElement>();

  /** Draws these items in this order; returns the box. */
  show(items: readonly (readonly [key: string, view: TemplateResult])[]): HTMLElement {
    const keys = new Set(items.map(([key]) => key));
    for (const [key, el] of this.#items) {
      if (!keys.has(key)) {
        el.remove();
        this.#items.delete(key);
      }
    }
    let next = this.box.firstChild;
    for (const [key, view] of items) {
      let el = this.#items.get(key);
      if (!el) this.#items.set(key, (el = contents()));
      render(view, el);
      // Only what is out of place moves: a new item, or one whose order changed.
      if (el === next) next = el.nextSibling;
      else this.box.insertBefore(el, next);
    }
    return this.box;
  }
}

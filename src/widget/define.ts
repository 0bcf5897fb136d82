/**
 * Registering the elements so that a page may load the widget twice — two script tags, a CMS plugin
 * and a theme that both add it, an app bundling the npm package beside the server's script — without
 * the second copy throwing `NotSupportedError`. The first copy stays in charge; a second copy of a
 * different version says so in the console, since its fixes and features are not the ones running.
 */

// Set by the builds (vite.config.ts, vite.lib.config.ts) from package.json; absent in the test runner.
declare const __IMAGE_CHAT_VERSION__: string | undefined;

/** The package version this copy of the widget was built from. */
export const VERSION: string = typeof __IMAGE_CHAT_VERSION__ === 'string' ? __IMAGE_CHAT_VERSION__ : '0.0.0-dev';

type Versioned = CustomElementConstructor & { readonly version?: string };

/**
 * Defines `tag` as `element` unless the tag is taken. When it is taken by another copy whose version
 * differs from this one's (or is unknown: not ours, or older than the guard), warns once; never throws.
 * Returns the class that the tag stands for now.
 */
export function defineOnce(tag: string, element: Versioned, registry: CustomElementRegistry | null = globalThis.customElements ?? null): Versioned | undefined {
  if (!registry) return undefined; // no DOM (server-side rendering, Node): nothing to register
  const existing = registry.get(tag) as Versioned | undefined;
  if (!existing) {
    registry.define(tag, element);
    return element;
  }
  if (existing !== element && element.version !== undefined && existing.version !== element.version) {
    console.warn(`<${tag}> is already image-chat ${existing.version ?? '(unknown version)'}: this copy (${element.version}) is not used`);
  }
  return existing;
}

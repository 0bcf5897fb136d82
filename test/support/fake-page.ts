/** Test helper (not a test): a page whose visibility and online/offline/focus signals the test sets. */
import type { PageSignal, PageSignals } from '../../src/sync/page-signals.ts';

export class FakePage implements PageSignals {
  private readonly listeners = new Set<(signal: PageSignal) => void>();
  constructor(public shown = true) {}
  visible(): boolean {
    return this.shown;
  }
  listen(listener: (signal: PageSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Sends a signal; `visible`/`hidden` also set what `visible()` answers. */
  emit(signal: PageSignal): void {
    if (signal === 'visible' || signal === 'hidden') this.shown = signal === 'visible';
    for (const l of [...this.listeners]) l(signal);
  }
  get listening(): number {
    return this.listeners.size;
  }
}

import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import { LitElement } from 'lit';
import { ThemeController, type Theme } from './theme-controller.ts';

class ThemedHost extends LitElement {
  static override properties = { theme: { type: String } };
  declare theme: Theme;
  readonly themes = new ThemeController(this, () => this.theme);
  constructor() {
    super();
    this.theme = 'auto';
  }
  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('theme')) this.themes.apply();
  }
}
customElements.define('themed-host', ThemedHost);

describe('ThemeController', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light' }));

  it('writes light or dark to data-theme as asked', async () => {
    const el = await fixture<ThemedHost>(html`<themed-host theme="dark"></themed-host>`);
    expect(el.dataset.theme).to.equal('dark');
    el.theme = 'light';
    await el.updateComplete;
    expect(el.dataset.theme).to.equal('light');
  });

  it('auto follows the system colour scheme while connected, and stops when disconnected', async () => {
    await emulateMedia({ colorScheme: 'light' });
    const el = await fixture<ThemedHost>(html`<themed-host></themed-host>`);
    expect(el.dataset.theme).to.equal('light');
    await emulateMedia({ colorScheme: 'dark' });
    await waitUntil(() => el.dataset.theme === 'dark', 'did not follow the switch to dark');
    el.remove();
    await emulateMedia({ colorScheme: 'light' });
    await new Promise((r) => setTimeout(r, 50));
    expect(el.dataset.theme).to.equal('dark', 'a disconnected host is left alone');
  });
});

// The language layer alone: sentences filled in the locale's words, which language an element picks,
// and a host that follows its `locale`, an ancestor's `lang` and loads the catalog when first asked.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { LitElement } from 'lit';
import { I18n, english } from './i18n.ts';
import { LocaleController } from './locale-controller.ts';
import { nearestLang, pickLocale, requestedLocales } from './pick-locale.ts';
import da from './locales/da.ts';
import ar from './locales/ar.ts';
import { loadParts } from '../parts-loader.ts';
import { relativeTime } from './times.ts';

// English holds the lazily loaded parts' sentences once they have arrived (parts.ts); these tests read some.
await loadParts();

describe('I18n', () => {
  it('fills named placeholders in any order, numbers in the locale\'s digits, unknown names as written', () => {
    expect(english.format('{b} then {a}, {a} again; {c}', { a: 1, b: 'two' })).to.equal('two then 1, 1 again; {c}');
    expect(new I18n('de', 'en', english.text).format('{x} %', { x: 12.5 })).to.equal('12,5 %');
    expect(english.number(2000)).to.equal('2000', 'four digits are not grouped');
    expect(english.number(12345)).to.equal('12,345');
  });

  it('picks the plural form by the locale\'s rules, and `zero` for 0 where the catalog has one', () => {
    const forms = { zero: 'none from {who}', one: '{count} reply from {who}', other: '{count} replies from {who}' };
    expect(english.plural(forms, 0, { who: 'Ada' })).to.equal('none from Ada');
    expect(english.plural(forms, 1, { who: 'Ada' })).to.equal('1 reply from Ada');
    expect(english.plural(forms, 3, { who: 'Ada' })).to.equal('3 replies from Ada');
    const arabic = new I18n('ar', 'ar', ar);
    const replies = ar.markers.replies as Record<string, string>;
    expect(arabic.plural(ar.markers.replies, 2)).to.equal(arabic.format(replies.two!, { count: 2 }));
    expect(arabic.plural(ar.markers.replies, 3)).to.equal(arabic.format(replies.few!, { count: 3 }));
    expect(arabic.plural(ar.markers.replies, 11)).to.equal(arabic.format(replies.many!, { count: 11 }));
  });

  it('joins lists and says times in the locale\'s words', () => {
    const danish = new I18n('da', 'da', da);
    expect(english.list([3, 5, 7])).to.equal('3, 5, and 7');
    expect(danish.list([3, 5])).to.equal('3 og 5');
    expect(relativeTime(danish, 0, 5 * 60_000)).to.equal('for 5 minutter siden');
    expect(relativeTime(english, 0, 10_000)).to.equal('now');
  });

  it('lays Hebrew and Arabic out right to left, the others left to right', () => {
    expect(new I18n('he', 'he', english.text).dir).to.equal('rtl');
    expect(new I18n('ar-EG', 'ar', english.text).dir).to.equal('rtl');
    expect(new I18n('da', 'da', english.text).dir).to.equal('ltr');
  });
});

describe('pickLocale', () => {
  it('takes the first tag it speaks, keeping the region for formatting', () => {
    expect(pickLocale(['pt-BR', 'da-DK', 'en'])).to.deep.equal({ locale: 'da-DK', language: 'da' });
    expect(pickLocale(['HE'])).to.deep.equal({ locale: 'he', language: 'he' });
    expect(pickLocale(['iw-IL'])).to.deep.equal({ locale: 'he-IL', language: 'he' }, 'the old tag, canonicalised');
    expect(pickLocale(['not a tag!', '', undefined, 'ja-JP'])).to.deep.equal({ locale: 'ja-JP', language: 'ja' });
    expect(pickLocale(['pt', 'zh'])).to.deep.equal({ locale: 'en', language: 'en' });
  });

  it('finds the nearest lang across shadow roots, passing over lang=""', async () => {
    const outer = await fixture(html`<div lang="da"><section lang=""><span></span></section></div>`);
    const span = outer.querySelector('span')!;
    expect(nearestLang(span)).to.equal('da');
    const host = document.createElement('div');
    span.append(host);
    const inner = document.createElement('p');
    host.attachShadow({ mode: 'open' }).append(inner);
    expect(nearestLang(inner)).to.equal('da');
    expect(requestedLocales(inner, 'he', ['fr'])).to.deep.equal(['he', 'da', 'fr']);
    expect(requestedLocales(inner, undefined, ['fr'])).to.deep.equal(['da', 'fr']);
  });
});

class SpeakingHost extends LitElement {
  static override properties = { locale: { type: String } };
  declare locale: string | undefined;
  readonly languages = new LocaleController(this, () => this.locale);
  constructor() {
    super();
    this.locale = undefined;
  }
  override render() {
    const i18n = this.languages.i18n;
    return html`<p lang=${i18n.locale} dir=${i18n.dir}>${i18n.text.composer.send}</p>`;
  }
}
customElements.define('speaking-host', SpeakingHost);

const said = (el: SpeakingHost) => el.shadowRoot!.querySelector('p')!;

describe('LocaleController', () => {
  it('speaks its locale once the catalog has loaded, and English again when told', async () => {
    const el = await fixture<SpeakingHost>(html`<speaking-host locale="da"></speaking-host>`);
    await el.languages.ready;
    await el.updateComplete;
    expect(said(el).textContent).to.equal(da.composer.send);
    expect(said(el).lang).to.equal('da');
    el.locale = 'en';
    await el.updateComplete;
    expect(said(el).textContent).to.equal('Send');
  });

  it('follows the lang of an ancestor as it changes, right to left for Hebrew', async () => {
    const wrapper = await fixture(html`<div lang="de"><speaking-host></speaking-host></div>`);
    const el = wrapper.querySelector<SpeakingHost>('speaking-host')!;
    await waitUntil(() => said(el).lang === 'de', 'did not speak German');
    wrapper.setAttribute('lang', 'he-IL');
    await waitUntil(() => said(el).lang === 'he-IL', 'did not follow the lang change');
    expect(said(el).dir).to.equal('rtl');
    expect(said(el).textContent).to.not.equal('Send');
  });

  it('stops watching once disconnected', async () => {
    const wrapper = await fixture(html`<div lang="fr"><speaking-host></speaking-host></div>`);
    const el = wrapper.querySelector<SpeakingHost>('speaking-host')!;
    await waitUntil(() => said(el).lang === 'fr');
    el.remove();
    wrapper.append(el.cloneNode()); // something else happens under the same ancestor
    wrapper.setAttribute('lang', 'es');
    await new Promise((r) => setTimeout(r, 50));
    expect(said(el).lang).to.equal('fr');
  });
});

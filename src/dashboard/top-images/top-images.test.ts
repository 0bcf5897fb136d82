import { expect, fixture, html } from '@open-wc/testing';
import '../index.ts';
import { DashboardApi, type ImageActivity } from '../api.ts';
import type { DashboardTopImages } from './top-images.ts';

const images: ImageActivity[] = [
  { image: 'https://shop.example/a b.png', conversations: 3, pubSubMessageCount: 1200, pubSubBandwidth: 2048, conversationCreateCount: 2, commentCount: 5 },
  { image: 'mockup-7', conversations: 0, pubSubMessageCount: 1, pubSubBandwidth: 300, conversationCreateCount: 0, commentCount: 0 },
];

describe('<dashboard-top-images>', () => {
  it('lists each image with its conversations now and its activity, and an export link', async () => {
    const api = new DashboardApi('https://chat.example', { tenant: 'acme', key: 'k' });
    const el = await fixture<DashboardTopImages>(html`<dashboard-top-images .api=${api} .images=${images} label="the last 24 hours"></dashboard-top-images>`);
    const items = el.shadowRoot!.querySelectorAll('[part="item"]');
    expect(items.length).to.equal(2);
    expect(items[0]!.querySelector('[data-image-metric="conversations"]')!.textContent).to.equal('3');
    expect(items[0]!.textContent).to.contain('1,200');
    expect(items[0]!.textContent).to.contain('2.0 KB');
    const link = items[0]!.querySelector<HTMLAnchorElement>('[part="export"]')!;
    expect(link.getAttribute('href')).to.equal('https://chat.example/api/v1/tenants/acme/images/https%3A%2F%2Fshop.example%2Fa%20b.png/annotations');
    expect(items[1]!.querySelector('img')).to.equal(null);
    await expect(el).to.be.accessible({ ignoredRules: ['image-alt'] });
  });

  it('says when no image had activity', async () => {
    const el = await fixture<DashboardTopImages>(html`<dashboard-top-images .images=${[]} label="the last 7 days"></dashboard-top-images>`);
    expect(el.shadowRoot!.textContent).to.contain('No activity on any image in the last 7 days.');
  });
});

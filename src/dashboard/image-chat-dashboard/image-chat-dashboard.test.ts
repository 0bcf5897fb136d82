// The whole dashboard against the real test server (scripts/wtr-test-server.mjs, tenant `dash-test`).
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../index.ts';
import { METRICS, type RecentChat, type Usage } from '../api.ts';
import type { DashboardConfirm } from '../confirm-dialog/confirm-dialog.ts';
import type { ImageChatDashboard } from './image-chat-dashboard.ts';
import {
  DASHBOARD_KEY,
  DASHBOARD_TENANT,
  apiGet,
  closedServer,
  deepQuery,
  deepQueryAll,
  testServer,
  traffic,
} from '../../../test/support/dashboard.ts';
import { randomImageId, serverChats } from '../../../test/support/widget.ts';

const SESSION_KEY = 'image-chat-dashboard:session';

async function open(server: string): Promise<ImageChatDashboard> {
  return fixture<ImageChatDashboard>(html`<image-chat-dashboard server=${server}></image-chat-dashboard>`);
}

/** Types into the form and sends it, as a user would. */
async function signIn(el: ImageChatDashboard, tenant: string, key: string): Promise<void> {
  await waitUntil(() => deepQuery(el, 'input[name="tenant"]'), 'no sign-in form');
  deepQuery<HTMLInputElement>(el, 'input[name="tenant"]')!.value = tenant;
  deepQuery<HTMLInputElement>(el, 'input[name="key"]')!.value = key;
  deepQuery<HTMLButtonElement>(el, 'form[part="form"] button[type="submit"]')!.click();
}

const signedIn = (el: ImageChatDashboard) => waitUntil(() => deepQuery(el, '[data-metric="commentCount"]'), 'the figures never showed', { timeout: 4000 });
const refusal = (el: ImageChatDashboard) => deepQuery(el, '[part="error"]')?.textContent ?? '';
const metric = (el: ImageChatDashboard, name: string) => deepQuery(el, `[data-metric="${name}"]`)?.textContent;

describe('<image-chat-dashboard> against the real server', () => {
  let url: string;
  before(async () => {
    url = await testServer();
  });
  afterEach(() => sessionStorage.clear());

  it('signed out it shows only the sign-in form, and is accessible', async () => {
    const el = await open(url);
    expect(deepQuery(el, 'input[name="tenant"]')).to.exist;
    expect(deepQueryAll(el, '[data-metric]')).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('a wrong key: a message in words, no figures, nothing kept', async () => {
    const el = await open(url);
    await signIn(el, DASHBOARD_TENANT, 'not-the-key');
    await waitUntil(() => refusal(el).includes('refused'), 'no refusal shown');
    expect(refusal(el)).to.contain(`The key was refused: it is not the API key of tenant "${DASHBOARD_TENANT}".`);
    expect(deepQueryAll(el, '[data-metric]')).to.have.length(0);
    expect(sessionStorage.getItem(SESSION_KEY)).to.equal(null);
    expect(deepQuery<HTMLInputElement>(el, 'input[name="key"]')!.value).to.equal('');
    await expect(el).to.be.accessible();
  });

  it('a server that cannot be reached is said so', async () => {
    const el = await open(await closedServer());
    await signIn(el, DASHBOARD_TENANT, DASHBOARD_KEY);
    await waitUntil(() => refusal(el).includes('could not be reached'), 'no network message');
    expect(deepQueryAll(el, '[data-metric]')).to.have.length(0);
  });

  it('a good key shows the API figures exactly; the key is in sessionStorage only', async () => {
    await traffic(url, randomImageId(), 2, 3);
    const el = await open(url);
    await signIn(el, DASHBOARD_TENANT, DASHBOARD_KEY);
    await signedIn(el);
    const usage = await apiGet<Usage>(url, 'usage?granularity=hour');
    for (const name of METRICS) expect(metric(el, name), name).to.equal(String(usage.totals[name]));
    expect(Number(metric(el, 'conversationCreateCount'))).to.be.at.least(2);
    expect(Number(metric(el, 'conversations'))).to.equal(usage.conversations);
    expect(deepQueryAll(el, 'dashboard-usage-chart')).to.have.length(5);
    expect(JSON.parse(sessionStorage.getItem(SESSION_KEY)!)).to.deep.equal({ tenant: DASHBOARD_TENANT, key: DASHBOARD_KEY });
    expect(JSON.stringify({ ...localStorage })).not.to.contain(DASHBOARD_KEY);
    expect(location.href).not.to.contain(DASHBOARD_KEY);
    await expect(el).to.be.accessible();
  });

  it('sign out forgets the key and everything shown with it', async () => {
    const el = await open(url);
    await signIn(el, DASHBOARD_TENANT, DASHBOARD_KEY);
    await signedIn(el);
    [...deepQueryAll<HTMLButtonElement>(el, 'button')].find((b) => b.textContent === 'Sign out')!.click();
    await waitUntil(() => deepQuery(el, 'input[name="key"]'), 'no form after signing out');
    expect(sessionStorage.getItem(SESSION_KEY)).to.equal(null);
    expect(deepQuery<HTMLInputElement>(el, 'input[name="key"]')!.value).to.equal('');
    expect(deepQuery<HTMLInputElement>(el, 'input[name="tenant"]')!.value).to.equal(DASHBOARD_TENANT);
    expect(deepQueryAll(el, '[data-metric]')).to.have.length(0);
  });

  it('a stored sign-in is checked with the server again: kept when good, dropped when refused', async () => {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({ tenant: DASHBOARD_TENANT, key: DASHBOARD_KEY }));
    await signedIn(await open(url));
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({ tenant: DASHBOARD_TENANT, key: 'an-old-key' }));
    const el = await open(url);
    await waitUntil(() => refusal(el).includes('refused'), 'the stale key was not refused');
    expect(sessionStorage.getItem(SESSION_KEY)).to.equal(null);
    expect(deepQueryAll(el, '[data-metric]')).to.have.length(0);
  });

  it('deletes a conversation after confirmation; it leaves the server and the list', async () => {
    const image = randomImageId();
    const [chatId] = await traffic(url, image, 1, 1);
    const el = await open(url);
    await signIn(el, DASHBOARD_TENANT, DASHBOARD_KEY);
    await waitUntil(() => deepQuery(el, `[part="chat"][data-chat-id="${chatId}"]`), 'the conversation is not listed');
    const item = deepQuery(el, `[part="chat"][data-chat-id="${chatId}"]`)!;
    item.querySelector<HTMLButtonElement>('[part="delete-chat"]')!.click();
    const confirm = deepQuery<DashboardConfirm>(el, 'dashboard-confirm')!;
    await waitUntil(() => confirm.open, 'no confirmation');
    expect(confirm.shadowRoot!.textContent).to.contain('Delete this conversation?');
    confirm.shadowRoot!.querySelector<HTMLButtonElement>('[part="confirm"]')!.click();
    await waitUntil(() => !deepQuery(el, `[part="chat"][data-chat-id="${chatId}"]`), 'the conversation stayed in the list');
    expect(deepQuery(el, '[part="notice"]')!.textContent).to.contain('Deleted the conversation “conversation 1” by Traffic and its 1 reply.');
    expect(await serverChats(url, image, DASHBOARD_TENANT)).to.deep.equal([]);
  });

  it('deletes one reply after confirmation; Cancel deletes nothing', async () => {
    const image = randomImageId();
    const [chatId] = await traffic(url, image, 1, 2);
    const el = await open(url);
    await signIn(el, DASHBOARD_TENANT, DASHBOARD_KEY);
    await waitUntil(() => deepQuery(el, `[part="chat"][data-chat-id="${chatId}"]`), 'the conversation is not listed');
    const confirm = deepQuery<DashboardConfirm>(el, 'dashboard-confirm')!;
    const replyButton = () => deepQuery(el, `[part="chat"][data-chat-id="${chatId}"]`)!.querySelectorAll<HTMLButtonElement>('[part="delete-comment"]');
    replyButton()[0]!.click();
    await waitUntil(() => confirm.open);
    confirm.shadowRoot!.querySelector<HTMLButtonElement>('[part="cancel"]')!.click();
    expect((await serverChats(url, image, DASHBOARD_TENANT))[0]!.comments).to.have.length(3);
    replyButton()[0]!.click();
    await waitUntil(() => confirm.open);
    confirm.shadowRoot!.querySelector<HTMLButtonElement>('[part="confirm"]')!.click();
    await waitUntil(() => replyButton().length === 1, 'the reply stayed in the list');
    const [chat] = await serverChats(url, image, DASHBOARD_TENANT);
    expect(chat!.comments.map((c) => c.text)).to.deep.equal(['conversation 1', 'reply 2']);
    const listed = (await apiGet<{ chats: RecentChat[] }>(url, 'chats?sort=recent')).chats.find((r) => r.chat.id === chatId);
    expect(listed?.chat.comments).to.have.length(2);
  });
});

// The /embed page, its ticket on the WebSocket upgrade, and /oembed, against a real server
// (port 0, temporary SQLite) with an injected clock so a ticket can expire without waiting.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import { RENEW_EVERY_MS, TICKET_TTL_MS } from './embed-ticket.ts';
import { frameAncestors } from './embed.ts';
import { FakeTimers } from '../../test/support/fake-timers.ts';
import { httpCall } from '../../test/support/http-call.ts';
import { testTenant, testTenants } from '../../test/support/test-tenants.ts';
import { DEMO_TENANT } from '../core/tenants.ts';

const dir = mkdtempSync(join(tmpdir(), 'image-chat-embed-'));
const clock = new FakeTimers();
clock.t = Date.UTC(2030, 0, 1);
let server: RunningServer;
const sockets: WebSocket[] = [];

before(async () => {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    databaseUrl: join(dir, 'embed.sqlite'),
    staticRoot: dir,
    clock,
    // `shop` is framed only by its own site; `acme` and `globex` allow any origin (`*`).
    tenants: testTenants(testTenant('shop', { origins: ['https://shop.example', 'https://*.shop.example', 'http://[::1]:*'] })),
  });
});
after(async () => {
  for (const ws of sockets) ws.terminate();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}) => httpCall(server.port, path, 'GET', headers);
const host = () => `127.0.0.1:${server.port}`;
const embedPath = (q: string) => `/embed?${q}`;

/** The ticket signed into an /embed page of `tenant`. */
async function ticketOf(tenant: string): Promise<string> {
  const page = await get(embedPath(`tenant=${tenant}&src=/demo/a.png`), { accept: 'text/html' });
  assert.equal(page.status, 200, page.body);
  const m = /"ticket":"([^"]+)"/.exec(page.body);
  assert.ok(m, 'the page carries a ticket');
  return m[1]!;
}

/** Opens /ws with the given Origin and query; resolves with the open socket (and the frames it hears) or the refusal's status. */
function upgrade(query: string, origin: string | undefined): Promise<{ ws?: WebSocket; frames: unknown[]; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://${host()}/ws?${query}`, origin === undefined ? {} : { origin });
    const frames: unknown[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    ws.once('open', () => {
      sockets.push(ws);
      resolve({ ws, frames });
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ frames, status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', () => undefined);
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
}

describe('/embed', () => {
  test('a page with one element: frame-ancestors from the tenant\'s origins, never cached, the oEmbed link, parameters passed through', async () => {
    const r = await get(embedPath('tenant=shop&src=https%3A%2F%2Fcdn.shop.example%2Fa.png&image-id=a1&theme=dark&locale=da&alt=Front%20page'), { accept: 'text/html' });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/html/);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(r.headers['access-control-allow-origin'], undefined, 'no other page may read the ticket');
    const csp = String(r.headers['content-security-policy']);
    assert.match(csp, /frame-ancestors https:\/\/shop\.example https:\/\/\*\.shop\.example(;|$)/, 'the IPv6 origin CSP cannot express is left out');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`connect-src 'self' http://${host().replace('.', '\\.')} ws://`));
    const oembed = `http://${host()}/oembed?url=${encodeURIComponent(`http://${host()}/embed?tenant=shop&src=https%3A%2F%2Fcdn.shop.example%2Fa.png&image-id=a1&theme=dark&locale=da&alt=Front+page`)}&amp;format=json`;
    assert.ok(r.body.includes(`<link rel="alternate" type="application/json+oembed" href="${oembed}"`), r.body);
    assert.match(r.body, /<html lang="da">/);
    assert.match(r.body, /<title>Front page<\/title>/);
    for (const part of ['"tenant":"shop"', '"src":"https://cdn.shop.example/a.png"', '"imageId":"a1"', '"theme":"dark"', '"locale":"da"', '"alt":"Front page"']) {
      assert.ok(r.body.includes(part), `${part} reaches the element`);
    }
  });

  test('nothing a parameter holds can leave its place in the page', async () => {
    const alt = encodeURIComponent('</script><script>alert(1)</script>"$\'');
    const r = await get(embedPath(`tenant=acme&src=/demo/a.png&alt=${alt}`), { accept: 'text/html' });
    assert.equal(r.status, 200);
    assert.equal(r.body.match(/<script/g)?.length, 1, 'one script element, ours');
    assert.ok(!r.body.includes('</script><script>'), 'no parameter closes the script');
    assert.match(r.body, /<title>&lt;\/script&gt;/);
  });

  test('a bad tenant or parameter gets a page saying which, or JSON when HTML is not asked for', async () => {
    const cases: [string, number, RegExp][] = [
      ['tenant=nobody&src=/a.png', 404, /no tenant "nobody"/],
      ['tenant=Bad_Id&src=/a.png', 400, /"tenant" parameter/],
      ['src=/a.png', 400, /"tenant" parameter/],
      ['tenant=acme', 400, /"src" parameter/],
      ['tenant=acme&src=javascript%3Aalert(1)', 400, /"src" parameter/],
      ['tenant=acme&src=%2F%2Fevil.example%2Fa.png', 400, /"src" parameter/],
      ['tenant=acme&src=/a.png&theme=pink', 400, /"theme" parameter/],
      ['tenant=acme&src=/a.png&locale=%3Cb%3E', 400, /"locale" parameter/],
    ];
    for (const [query, status, message] of cases) {
      const page = await get(embedPath(query), { accept: 'text/html,application/xhtml+xml' });
      assert.equal(page.status, status, query);
      assert.match(String(page.headers['content-type']), /^text\/html/, query);
      assert.match(page.body, /role="alert"/, query);
      assert.match(page.body.replaceAll('&quot;', '"'), message, query);
      const json = await get(embedPath(query));
      assert.equal(json.status, status, query);
      const body = JSON.parse(json.body) as { error: { code: string; message: string } };
      assert.equal(body.error.code, status === 404 ? 'not-found' : 'invalid');
      assert.match(body.error.message, message);
    }
    const bad = await get(embedPath('tenant=shop&src=javascript%3Ax'), { accept: 'text/html' });
    assert.match(String(bad.headers['content-security-policy']), /frame-ancestors https:\/\/shop\.example/, 'framable where the page would be');
    assert.doesNotMatch(bad.body, /<script/);
  });

  test('frame-ancestors: `*` stays `*`, the demo tenant\'s localhost origins with any port, no origin at all is \'none\'', () => {
    assert.equal(frameAncestors(testTenant('x')), '*');
    assert.equal(frameAncestors(DEMO_TENANT), 'http://localhost:* http://127.0.0.1:* https://localhost:* https://127.0.0.1:*');
    assert.equal(frameAncestors({ ...testTenant('x'), origins: [] }), "'none'");
  });
});

describe('the embed ticket on the socket', () => {
  test('Origin: null without a ticket is refused, even by a tenant that allows every origin', async () => {
    assert.equal((await upgrade('tenant=acme', 'null')).status, 403);
    const why = await get('/ws?tenant=acme', { origin: 'null' });
    assert.equal(why.status, 403);
    assert.match(JSON.parse(why.body).error.message, /no valid embed ticket/);
    assert.equal((await upgrade('tenant=nobody', 'null')).status, 404, 'an unknown tenant is still a 404');
  });

  test('Origin: null with the page\'s ticket is admitted, and handed a fresh ticket at once and then every few minutes', async () => {
    const ticket = await ticketOf('acme');
    const { ws, frames, status } = await upgrade(`tenant=acme&ticket=${encodeURIComponent(ticket)}`, 'null');
    assert.equal(status, undefined, 'admitted');
    await until(() => frames.length === 1, 'a ticket at once');
    const first = frames[0] as { type: string; ticket: string };
    assert.equal(first.type, 'ticket');
    ws!.send(JSON.stringify({ type: 'hello' }));
    await until(() => frames.some((f) => (f as { type: string }).type === 'welcome'), 'welcomed');
    clock.advance(RENEW_EVERY_MS);
    await until(() => frames.filter((f) => (f as { type: string }).type === 'ticket').length === 2, 'renewed');
    assert.equal((await get(`/ws?tenant=acme&ticket=${encodeURIComponent(ticket)}`, { origin: 'null' })).status, 200, 'the /ws GET explains the same way');
    ws!.close();
  });

  test('a ticket that expired, was forged or is another tenant\'s is refused; a renewed one keeps a socket coming back', async () => {
    const ticket = await ticketOf('acme');
    const [expires, mac] = ticket.split('.') as [string, string];
    const forged = `${expires}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    const later = `${Number(expires) + 600}.${mac}`;
    for (const bad of [forged, later, 'junk', `${expires}.`]) {
      assert.equal((await upgrade(`tenant=acme&ticket=${encodeURIComponent(bad)}`, 'null')).status, 403, bad);
    }
    assert.equal((await upgrade(`tenant=globex&ticket=${encodeURIComponent(ticket)}`, 'null')).status, 403, 'another tenant\'s');
    const { ws, frames } = await upgrade(`tenant=acme&ticket=${encodeURIComponent(ticket)}`, 'null');
    await until(() => frames.length === 1, 'a ticket at once');
    clock.advance(TICKET_TTL_MS - 1000);
    await until(() => frames.length >= 2, 'renewed meanwhile');
    const renewed = (frames.at(-1) as { ticket: string }).ticket;
    clock.advance(2000);
    assert.equal((await upgrade(`tenant=acme&ticket=${encodeURIComponent(ticket)}`, 'null')).status, 403, 'the page\'s ticket has expired');
    const back = await upgrade(`tenant=acme&ticket=${encodeURIComponent(renewed)}`, 'null');
    assert.equal(back.status, undefined, 'the renewed one admits the reconnect');
    ws!.close();
    back.ws!.close();
  });

  test('a ticket never lets in a page on a foreign origin; it does vouch for a plain frame of /embed (this server\'s origin)', async () => {
    const ticket = encodeURIComponent(await ticketOf('shop'));
    assert.equal((await upgrade(`tenant=shop&ticket=${ticket}`, 'https://evil.example')).status, 403);
    assert.equal((await upgrade('tenant=shop', `http://${host()}`)).status, 403, 'our own origin is not one of shop\'s');
    const own = await upgrade(`tenant=shop&ticket=${ticket}`, `http://${host()}`);
    assert.equal(own.status, undefined);
    own.ws!.close();
    const allowed = await upgrade('tenant=shop', 'https://a.shop.example');
    assert.equal(allowed.status, undefined, 'an allowed origin needs no ticket');
    assert.equal(allowed.frames.length, 0);
    allowed.ws!.close();
  });
});

describe('/oembed', () => {
  const embed = () => `http://${host()}/embed?tenant=shop&src=%2Fdemo%2Fa.png&alt=Front`;
  const oembed = (q: string) => get(`/oembed?${q}`);

  test('an oEmbed 1.0 rich answer with the iframe, sized within maxwidth and maxheight', async () => {
    const r = await oembed(`url=${encodeURIComponent(embed())}&format=json`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], '*');
    const body = JSON.parse(r.body) as Record<string, unknown>;
    assert.equal(body.version, '1.0');
    assert.equal(body.type, 'rich');
    assert.equal(body.provider_name, 'image-chat');
    assert.equal(body.title, 'Front');
    assert.equal(body.width, 800);
    assert.equal(body.height, 600);
    const src = `http://${host()}/embed?tenant=shop&amp;src=%2Fdemo%2Fa.png&amp;alt=Front`;
    assert.ok(String(body.html).startsWith(`<iframe src="${src}" width="800" height="600" title="Front"`), String(body.html));
    const narrow = JSON.parse((await oembed(`url=${encodeURIComponent(embed())}&maxwidth=300`)).body) as { width: number; height: number; html: string };
    assert.deepEqual([narrow.width, narrow.height], [300, 225]);
    assert.match(narrow.html, /width="300" height="225"/);
    const short = JSON.parse((await oembed(`url=${encodeURIComponent(embed())}&maxwidth=1000&maxheight=100`)).body) as { width: number; height: number };
    assert.deepEqual([short.width, short.height], [800, 100]);
  });

  test('404 for what is not one of this server\'s embeds; 400 and 501 for bad parameters', async () => {
    const notOurs = [
      'https://elsewhere.example/embed?tenant=shop&src=%2Fa.png',
      `http://${host()}/other?tenant=shop&src=%2Fa.png`,
      `http://${host()}/embed?tenant=nobody&src=%2Fa.png`,
      `http://${host()}/embed?tenant=shop&src=javascript%3Ax`,
      'not a url',
    ];
    for (const url of notOurs) {
      const r = await oembed(`url=${encodeURIComponent(url)}`);
      assert.equal(r.status, 404, url);
      assert.equal(JSON.parse(r.body).error.code, 'not-found');
    }
    assert.equal((await oembed('')).status, 400);
    assert.equal((await oembed(`url=${encodeURIComponent(embed())}&maxwidth=-5`)).status, 400);
    assert.equal((await oembed(`url=${encodeURIComponent(embed())}&maxwidth=wide`)).status, 400);
    assert.equal((await oembed(`url=${encodeURIComponent(embed())}&format=xml`)).status, 501);
  });
});

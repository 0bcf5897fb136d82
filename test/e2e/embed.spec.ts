// Embedding anywhere (issue 13): a host page on another origin (a second tiny HTTP server; its pages
// are on `localhost`, the image-chat server on `127.0.0.1`: two origins) frames /embed in
// `<iframe sandbox="allow-scripts">`, as WordPress does with untrusted oEmbed providers. No storage,
// no Web Locks there, and the socket's Origin is `null`.
import { test as base, expect, type Frame, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/server/app.ts';
import { DEFAULT_LIMITS, DEMO_TENANT, Tenants } from '../../src/core/tenants.ts';
import { checkoutImage, openDemo, rawClient } from './helpers.ts';

type Running = Awaited<ReturnType<typeof startServer>>;

/** The host pages: whatever HTML a test puts at a path, served on `http://localhost:PORT`. */
interface HostSite {
  readonly origin: string;
  put(path: string, html: string): string;
}

const test = base.extend<object, { server: Running; host: HostSite }>({
  server: [
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'image-chat-e2e-embed-'));
      // `demo` lets localhost pages frame it; `closed` only its own site, which the host is not.
      const closed = { id: 'closed', origins: ['https://elsewhere.example'], guests: 'post' as const, limits: DEFAULT_LIMITS };
      const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'e2e.sqlite'), tenants: new Tenants([DEMO_TENANT, closed]) });
      await use(server);
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  host: [
    async ({}, use) => {
      const pages = new Map<string, string>();
      const http: Server = createServer((req, res) => {
        const body = pages.get(req.url ?? '');
        res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
        res.end(body ?? 'not found');
      });
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      const port = (http.address() as { port: number }).port;
      const origin = `http://localhost:${port}`;
      await use({
        origin,
        put(path, html) {
          pages.set(path, html);
          return origin + path;
        },
      });
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
    { scope: 'worker' },
  ],
});

/**
 * A host page framing `src` sandboxed; it keeps every message its frames post, and the moment
 * (epoch ms, high resolution) it inserted the frame.
 */
function hostPage(src: string, sandbox = 'allow-scripts'): string {
  return `<!doctype html><html><head><link rel="icon" href="data:,"></head><body style="margin:0">
<div style="width:640px"></div>
<script>
  window.messages = [];
  addEventListener('message', (e) => messages.push(e.data));
  const frame = document.createElement('iframe');
  frame.id = 'embed';
  frame.setAttribute('sandbox', ${JSON.stringify(sandbox)});
  frame.style.cssText = 'width:640px;height:150px;border:0';
  frame.src = ${JSON.stringify(src)};
  // A host listening as WordPress's wp-embed does: the height it is told becomes the frame's.
  addEventListener('message', (e) => { const h = e.data && e.data['image-chat'] && e.data['image-chat'].resizeHeight; if (e.source === frame.contentWindow && h) frame.style.height = h + 'px'; });
  window.insertedAt = performance.timeOrigin + performance.now();
  document.body.append(frame);
</script></body></html>`;
}

/**
 * In every /embed document: the moment its first marker is painted (epoch ms), found by checking
 * each animation frame. An init script runs in sandboxed and cross-origin frames too, before theirs.
 */
function watchFirstMarker(): void {
  if (location.pathname !== '/embed') return;
  const w = window as unknown as { firstMarkerAt?: number; navigationAt: number };
  w.navigationAt = performance.timeOrigin;
  const look = () => {
    const marker = document.querySelector('image-chat')?.shadowRoot?.querySelector('[part~="marker"]');
    if (marker && marker.getBoundingClientRect().width > 0) w.firstMarkerAt = performance.timeOrigin + performance.now();
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}

async function embedFrame(page: Page): Promise<Frame> {
  await expect.poll(() => page.frames().find((f) => new URL(f.url()).pathname === '/embed')).toBeTruthy();
  return page.frames().find((f) => new URL(f.url()).pathname === '/embed')!;
}

const chatIn = (frame: Frame) => frame.locator('image-chat');

test('a sandboxed frame on another origin: the element works without storage, its height arrives in both formats, a marker travels to a top-level browser and back', async ({ browser, server, host }) => {
  const image = checkoutImage(server.url);
  const seeder = await rawClient(server.url, 'Seeder');
  await seeder.act({ type: 'create-image-chat', image, x: 0.2, y: 0.3, text: 'Already here' });
  await seeder.close();

  const src = `${server.url}/embed?tenant=demo&src=%2Fdemo%2Fcheckout.svg&theme=dark&locale=da&alt=Checkout#?secret=abc123`;
  const context = await browser.newContext();
  await context.addInitScript(watchFirstMarker);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  await page.goto(host.put('/sandboxed.html', hostPage(src)));
  const frame = await embedFrame(page);
  const chat = chatIn(frame);
  await expect(chat).toHaveAttribute('status', 'online');
  // Parameters reach the element; the frame really is storage-less.
  await expect(chat).toHaveAttribute('theme', 'dark');
  await expect(chat).toHaveAttribute('locale', 'da');
  await expect(chat).toHaveAttribute('alt', 'Checkout');
  expect(await frame.evaluate(() => [origin, (() => { try { return typeof localStorage; } catch (e) { return (e as Error).name; } })()])).toEqual(['null', 'SecurityError']);
  await expect(chat.locator('[part~="marker"]')).toHaveCount(1);

  // The height, as giscus and as WordPress's embeds post it, is the element's, and the frame took it.
  const height = await chat.evaluate((el) => Math.ceil(el.getBoundingClientRect().height));
  expect(height).toBeGreaterThan(150);
  await expect.poll(() => page.evaluate(() => (window as unknown as { messages: unknown[] }).messages)).toEqual(
    expect.arrayContaining([{ 'image-chat': { resizeHeight: height } }, { secret: 'abc123', message: 'height', value: height }]),
  );
  await expect.poll(() => page.locator('#embed').evaluate((f) => f.getBoundingClientRect().height)).toBe(height);

  // How long from inserting the frame (and from the frame's own navigation) to its first marker painted.
  await expect.poll(() => frame.evaluate(() => (window as unknown as { firstMarkerAt?: number }).firstMarkerAt)).toBeGreaterThan(0);
  const times = await frame.evaluate(() => {
    const w = window as unknown as { firstMarkerAt: number; navigationAt: number };
    return { firstMarkerAt: w.firstMarkerAt, navigationAt: w.navigationAt };
  });
  const inserted = await page.evaluate(() => (window as unknown as { insertedAt: number }).insertedAt);
  const fromInsert = Math.round(times.firstMarkerAt - inserted);
  const fromNavigation = Math.round(times.firstMarkerAt - times.navigationAt);
  test.info().annotations.push({ type: 'first marker painted', description: `${fromInsert} ms after the frame was inserted, ${fromNavigation} ms after its navigation started` });
  console.log(`embed: first marker painted ${fromInsert} ms after the frame was inserted (${fromNavigation} ms after its navigation started)`);

  // A marker placed in the frame reaches a top-level browser (its own context) …
  const top = await openDemo(browser, server.url, 'Top');
  const overlay = chat.locator('[part~="overlay"]');
  const box = (await overlay.boundingBox())!;
  await overlay.click({ position: { x: box.width * 0.7, y: box.height * 0.6 } });
  await chat.locator('[part~="composer"]').fill('From the sandbox');
  await chat.locator('[part~="composer"]').press('Enter');
  const topMarkers = top.locator('image-chat').first().locator('[part~="marker"]');
  await expect(topMarkers).toHaveCount(2);
  // … and back.
  const topOverlay = top.locator('image-chat').first().locator('[part~="overlay"]');
  const topBox = (await topOverlay.boundingBox())!;
  await topOverlay.click({ position: { x: topBox.width * 0.5, y: topBox.height * 0.8 } });
  await top.locator('image-chat').first().locator('[part~="composer"]').fill('From the top');
  await top.locator('image-chat').first().locator('[part~="composer"]').press('Enter');
  await expect(chat.locator('[part~="marker"]')).toHaveCount(3);
  await expect(chat.locator('[part~="status"]')).toHaveText('');
  expect(problems, 'nothing alarming in the console').toEqual([]);
  await top.context().close();
  await context.close();
});

test('a host origin the tenant does not allow cannot frame /embed', async ({ page, server, host }) => {
  const refused: string[] = [];
  page.on('console', (m) => refused.push(m.text()));
  await page.goto(host.put('/closed.html', hostPage(`${server.url}/embed?tenant=closed&src=%2Fdemo%2Fcheckout.svg`)));
  await expect.poll(() => refused.some((t) => t.includes('"frame-ancestors https://elsewhere.example"'))).toBe(true);
  const frame = page.frames().find((f) => f !== page.mainFrame())!;
  expect(await frame.locator('image-chat').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { messages: unknown[] }).messages)).toEqual([]);
});

test('a socket with Origin: null and no valid ticket is refused; the page\'s ticket admits it', async ({ page, server, host }) => {
  const page0 = await (await fetch(`${server.url}/embed?tenant=demo&src=%2Fa.png`)).text();
  const ticket = /"ticket":"([^"]+)"/.exec(page0)![1]!;
  const socketUrl = `${server.url.replace('http', 'ws')}/ws?tenant=demo`;
  // A sandboxed srcdoc frame of the host page: an opaque origin, as any page could make one.
  await page.goto(host.put('/probe.html', `<!doctype html><iframe id="probe" sandbox="allow-scripts" srcdoc="<script>
    window.opens = (url) => new Promise((done) => { const ws = new WebSocket(url); ws.onopen = () => { ws.close(); done('open'); }; ws.onclose = () => done('refused'); });
  </script>"></iframe>`));
  await expect.poll(() => page.frames().length).toBe(2);
  const probe = page.frames()[1]!;
  await expect.poll(() => probe.evaluate(() => typeof (window as unknown as { opens?: unknown }).opens)).toBe('function');
  expect(await probe.evaluate(() => origin)).toBe('null');
  const opens = (url: string) => probe.evaluate((u) => (window as unknown as { opens: (u: string) => Promise<string> }).opens(u), url);
  expect(await opens(socketUrl)).toBe('refused');
  expect(await opens(`${socketUrl}&ticket=${encodeURIComponent(`${ticket.split('.')[0]}.${'A'.repeat(43)}`)}`)).toBe('refused');
  expect(await opens(`${socketUrl}&ticket=${encodeURIComponent(ticket)}`)).toBe('open');
});

test('oEmbed: discovered from the page, a valid rich answer, maxwidth respected, an unknown URL 404', async ({ request, server }) => {
  const embed = `${server.url}/embed?tenant=demo&src=%2Fdemo%2Fcheckout.svg&alt=Checkout`;
  const html = await (await request.get(embed, { headers: { accept: 'text/html' } })).text();
  const link = /<link rel="alternate" type="application\/json\+oembed" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
  expect(link).toBeTruthy();
  const found = await request.get(link!);
  expect(found.status()).toBe(200);
  const answer = (await found.json()) as Record<string, unknown>;
  expect(answer).toMatchObject({ version: '1.0', type: 'rich', provider_name: 'image-chat', title: 'Checkout', width: 800, height: 600 });
  expect(String(answer.html)).toContain(`src="${embed.replaceAll('&', '&amp;')}"`);
  const narrow = (await (await request.get(`${server.url}/oembed?url=${encodeURIComponent(embed)}&maxwidth=320&format=json`)).json()) as { width: number; height: number; html: string };
  expect([narrow.width, narrow.height]).toEqual([320, 240]);
  expect(narrow.html).toContain('width="320" height="240"');
  expect((await request.get(`${server.url}/oembed?url=${encodeURIComponent('https://elsewhere.example/embed?tenant=demo&src=%2Fa.png')}`)).status()).toBe(404);
  expect((await request.get(`${server.url}/oembed?url=${encodeURIComponent(`${server.url}/embed?tenant=nobody&src=%2Fa.png`)}`)).status()).toBe(404);
});

test('the embed page\'s weight: its HTML, the script it loads first and the parts it fetches when idle', async ({ request, server }) => {
  const html = Buffer.from(await (await request.get(`${server.url}/embed?tenant=demo&src=%2Fdemo%2Fcheckout.svg&alt=Checkout`)).body());
  const script = Buffer.from(await (await request.get(`${server.url}/image-chat.js`)).body());
  const weigh = (b: Buffer) => `${b.length} B (${gzipSync(b, { level: 9 }).length} B gzip)`;
  // Fetched once the frame is idle (or at first use): the thread, text boxes and list (widget/parts.ts).
  const partsName = /image-chat-parts-[\w-]+\.js/.exec(script.toString('utf8'))?.[0];
  expect(partsName, 'the widget names its parts chunk').toBeTruthy();
  const parts = Buffer.from(await (await request.get(`${server.url}/${partsName}`)).body());
  const line = `embed page: HTML ${weigh(html)} + image-chat.js ${weigh(script)} + the image; then, when idle, ${partsName} ${weigh(parts)}`;
  test.info().annotations.push({ type: 'embed page weight', description: line });
  console.log(line);
  expect(html.length).toBeLessThan(4096);
});

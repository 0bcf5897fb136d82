// How long /embed takes to paint its first marker over an emulated "Fast 3G" network (Chrome devtools'
// preset: 150 ms latency, 1.6 Mbit/s down, 750 kbit/s up; cache off), from navigation on, in real Chromium.
// It first posts three conversations on the demo image through the server's socket, so there is a marker.
//   node scripts/embed-first-marker.mjs http://127.0.0.1:8787 [runs=5]
// Run it against two servers (e.g. two builds) to compare them: the figures depend on this machine.
import { chromium } from 'playwright';
import WebSocket from 'ws';

const base = process.argv[2] ?? 'http://127.0.0.1:8787';
const runs = Number(process.argv[3] ?? 5);
const image = `${base}/demo/checkout.svg`;

async function seed() {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws?tenant=demo`, { headers: { origin: base } });
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  const next = (type) =>
    new Promise((resolve) =>
      ws.on('message', function heard(data) {
        if ([JSON.parse(data.toString())].flat().some((m) => m.type === type)) ws.off('message', heard), resolve();
      }),
    );
  ws.send(JSON.stringify({ type: 'hello', name: 'Bench' }));
  await next('welcome');
  for (let i = 0; i < 3; i++) {
    ws.send(JSON.stringify({ type: 'create-image-chat', image, broadcastId: crypto.randomUUID(), x: 0.2 + i * 0.25, y: 0.5, text: `bench ${i}` }));
    await next('ack');
  }
  ws.close();
}

await seed();
const browser = await chromium.launch({
  ...(process.env.CHROME_PATH ? { executablePath: process.env.CHROME_PATH } : {}),
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const times = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8, uploadThroughput: (750 * 1024 * 0.9) / 8 });
  const start = Date.now();
  await page.goto(`${base}/embed?tenant=demo&src=%2Fdemo%2Fcheckout.svg&alt=Checkout`);
  await page.waitForFunction(
    () => {
      const marker = document.querySelector('image-chat')?.shadowRoot?.querySelector('[part~="marker"], [part~="cluster"]');
      return !!marker && marker.getBoundingClientRect().width > 0;
    },
    undefined,
    { timeout: 30_000, polling: 'raf' },
  );
  times.push(Date.now() - start);
  await context.close();
}
await browser.close();
times.sort((a, b) => a - b);
console.log(`${base}/embed, Fast 3G: first marker painted after ${times.join(', ')} ms (median ${times[Math.floor(times.length / 2)]} ms)`);

// A server in its own process for scripts/bench-payloads.mjs, so that what the bench's clients do
// (parsing a 30 MB snapshot, say) never shows up as the server's event-loop stall or memory.
// Started with `node --import tsx scripts/bench-server-child.mjs <database file>` and an IPC channel;
// answers each {id, cmd, ...} message with {id, ...result}.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { startServer } from '../src/server/app.ts';

const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: process.argv[2] });
const store = server.core.store;
/**
 * The event-loop stall probe: a 1 ms interval timer keeping the longest gap between its runs (the
 * longest time the loop could not run it). monitorEventLoopDelay missed long single stalls here.
 */
const delay = { last: performance.now(), max: 0 };
setInterval(() => {
  const now = performance.now();
  delay.max = Math.max(delay.max, now - delay.last);
  delay.last = now;
}, 1).unref();
const resetDelay = () => {
  delay.last = performance.now();
  delay.max = 0;
};

/** A deterministic pseudo-random sequence, so every run (before and after a change) seeds the same image. */
function prng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
const WORDS = 'the marker here is a bit off so could we move this button left and make the blue darker please check'.split(' ');
function sentence(random, chars) {
  let text = '';
  while (text.length < chars) text += WORDS[Math.floor(random() * WORDS.length)] + ' ';
  return text.slice(0, chars).trim() || 'x';
}
const user = (i) => ({ id: `g_bench${i}`, name: `Bench ${i}`, kind: 'guest' });

const commands = {
  /** `chats` conversations of `comments` comments each (the first one included), texts of 200–2000 characters. */
  async grid({ image, chats, comments }) {
    const random = prng(8);
    for (let c = 0; c < chats; c++) {
      const text = sentence(random, 200 + Math.floor(random() * 1800));
      const { event } = await store.apply('demo', image, { type: 'create-image-chat', image, broadcastId: randomUUID(), x: random(), y: random(), text }, user(c % 5));
      for (let k = 1; k < comments; k++) {
        const reply = sentence(random, 200 + Math.floor(random() * 1800));
        await store.apply('demo', image, { type: 'update-image-chat', image, broadcastId: randomUUID(), chatId: event.chat.id, change: { kind: 'add-comment', text: reply } }, user(k % 5));
      }
    }
    return {};
  },
  /** `n` conversations whose text is `text` (stored directly: data written before the parser refused it). */
  async texts({ image, n, text }) {
    for (let i = 0; i < n; i++) {
      await store.apply('demo', image, { type: 'create-image-chat', image, broadcastId: randomUUID(), x: 0.5, y: i / n, text }, user(i % 5));
    }
    return {};
  },
  /** `n` replies of `text` to one conversation. */
  async thread({ image, chatId, n, text }) {
    for (let i = 0; i < n; i++) {
      await store.apply('demo', image, { type: 'update-image-chat', image, broadcastId: randomUUID(), chatId, change: { kind: 'add-comment', text } }, user(i % 5));
    }
    return {};
  },
  reset() {
    resetDelay();
    return {};
  },
  /** The longest event-loop stall since the last reset, in ms. */
  stall() {
    return { ms: delay.max };
  },
  /** The peer: the whole image read at once and serialised at once, as the server did before pages. */
  async single({ image }) {
    resetDelay();
    const snap = await store.snapshot('demo', image);
    const bytes = Buffer.byteLength(JSON.stringify({ type: 'snapshot', image, epoch: snap.epoch, seq: snap.seq, chats: snap.chats }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { ms: delay.max, bytes };
  },
  memory() {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
  },
  async close() {
    await server.close();
    setImmediate(() => process.exit(0));
    return {};
  },
};

process.on('message', async ({ id, cmd, ...args }) => {
  try {
    process.send({ id, ...(await commands[cmd](args)) });
  } catch (e) {
    process.send({ id, error: String(e?.stack ?? e) });
  }
});
process.send({ ready: true, url: server.url, port: server.port });

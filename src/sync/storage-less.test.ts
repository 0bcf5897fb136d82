// Storage-less operation (issue 13, point 2), in real Chromium against the real test server: each
// API a sandboxed iframe or a strict privacy mode refuses is made to throw here, and the widget must
// still get online with a socket of its own, keep its guest for the page's life, keep its cache in
// memory, and say nothing about it. IndexedDB refuses for this whole file (this page never opens it).
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../index.ts';
import type { ImageChat } from '../widget/image-chat.ts';
import { readCache, writeCache } from './cache.ts';
import { acquireConnection } from './registry.ts';
import { TabConnection } from './tab-connection.ts';
import type { ChatConnection } from './types.ts';
import { markers, part, pngOf, randomImageId, ready, testServer } from '../../test/support/widget.ts';

const refusal = () => new DOMException('The operation is insecure.', 'SecurityError');

/** Replaces `key` of `target` (a property or accessor) until the returned function puts it back. */
function replace(target: object, key: string, descriptor: PropertyDescriptor): () => void {
  const own = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, { configurable: true, ...descriptor });
  return () => {
    if (own) Object.defineProperty(target, key, own);
    else delete (target as Record<string, unknown>)[key];
  };
}

const refusals = {
  /** `navigator.locks.request` throws at once. */
  locksThrow: () => replace(LockManager.prototype, 'request', { value: () => { throw refusal(); } }),
  /** `navigator.locks.request` rejects, as in `<iframe sandbox="allow-scripts">`. */
  locksReject: () => replace(LockManager.prototype, 'request', { value: () => Promise.reject(refusal()) }),
  /** `new BroadcastChannel()` throws. */
  channelThrows: () => replace(globalThis, 'BroadcastChannel', { value: function BroadcastChannel() { throw refusal(); } }),
  /** Reading `localStorage` throws, as in an opaque origin. */
  storageGetterThrows: () => replace(globalThis, 'localStorage', { get: () => { throw refusal(); } }),
  /** `localStorage` is there, but every read and write throws (blocked storage, a full quota). */
  storageCallsThrow: () => {
    const undo = ['getItem', 'setItem', 'removeItem'].map((m) => replace(Storage.prototype, m, { value: () => { throw refusal(); } }));
    return () => undo.forEach((u) => u());
  },
};

/**
 * Console errors and warnings, and unhandled rejections, while the test runs: a quiet fallback makes
 * none. Lit's development-mode advice (lit.dev/msg/…) is about rendering, not this, and absent from the bundle.
 */
function alarms(): { said: string[]; stop: () => void } {
  const said: string[] = [];
  const { error, warn } = console;
  console.error = (...args: unknown[]) => said.push(`error: ${args.map(String).join(' ')}`);
  console.warn = (...args: unknown[]) => {
    if (!args.some((a) => String(a).includes('lit.dev/msg/'))) said.push(`warn: ${args.map(String).join(' ')}`);
  };
  const onRejection = (e: PromiseRejectionEvent) => said.push(`unhandled: ${String(e.reason)}`);
  addEventListener('unhandledrejection', onRejection);
  return {
    said,
    stop: () => {
      console.error = error;
      console.warn = warn;
      removeEventListener('unhandledrejection', onRejection);
    },
  };
}

async function online(c: ChatConnection): Promise<void> {
  await waitUntil(() => c.status === 'online', `not online (${c.status})`, { timeout: 4000 });
}

describe('where the browser refuses storage, locks or channels', () => {
  let url: string;
  let undoIdb: () => void;
  before(async () => {
    url = await testServer();
    undoIdb = replace(IDBFactory.prototype, 'open', { value: () => { throw refusal(); } });
  });
  after(() => undoIdb());

  for (const [name, refuse] of [
    ['navigator.locks.request throws', refusals.locksThrow],
    ['navigator.locks.request rejects with SecurityError', refusals.locksReject],
    ['new BroadcastChannel() throws', refusals.channelThrows],
  ] as const) {
    it(`${name}: the page gets online with a socket of its own, quietly`, async () => {
      const undo = refuse();
      const quiet = alarms();
      // A user name of its own: a fresh connection, not one an earlier test left in the registry.
      const c = acquireConnection(url, 'demo', { name: `fallback-${crypto.randomUUID().slice(0, 8)}` });
      try {
        await online(c);
        expect(c).to.be.instanceOf(TabConnection);
        expect((c as TabConnection).leaderRole, 'this tab leads alone: the socket is its own').to.not.equal(undefined);
        await new Promise((r) => setTimeout(r, 50)); // a late rejection would show now
        expect(quiet.said).to.deep.equal([]);
      } finally {
        quiet.stop();
        c.release();
        undo();
      }
    });
  }

  for (const [name, refuse] of [
    ['reading localStorage throws', refusals.storageGetterThrows],
    ['localStorage.getItem and setItem throw', refusals.storageCallsThrow],
  ] as const) {
    it(`${name}: the guest stays the same author for the page's life`, async () => {
      const undoStorage = refuse();
      const undoLocks = refusals.locksReject();
      const name = `guest-${crypto.randomUUID().slice(0, 8)}`;
      const quiet = alarms();
      try {
        const first = acquireConnection(url, 'demo', { name });
        await online(first);
        const id = first.user?.id;
        expect(id).to.match(/^g_/);
        first.release();
        const again = acquireConnection(url, 'demo', { name });
        expect(again, 'a new connection').to.not.equal(first);
        await online(again);
        expect(again.user?.id).to.equal(id);
        again.release();
        expect(quiet.said).to.deep.equal([]);
      } finally {
        quiet.stop();
        undoLocks();
        undoStorage();
      }
    });
  }

  it('IndexedDB throws: the cache lives in the page\'s memory', async () => {
    const key = [`ws://cache.example/ws?tenant=demo`, randomImageId()] as const;
    expect(await readCache(key)).to.equal(undefined);
    await writeCache(key, { epoch: 'e', seq: 2, chats: [] });
    await writeCache(key, { epoch: 'e', seq: 1, chats: [] });
    expect((await readCache(key))?.seq).to.equal(2, 'a value further along is kept, as on disk');
  });

  it('everything refused at once (a sandboxed frame): the element works, says nothing, and its marker is saved', async () => {
    const undo = [refusals.locksReject(), refusals.storageGetterThrows()];
    const quiet = alarms();
    try {
      const image = randomImageId();
      const el = await fixture<ImageChat>(html`<image-chat server=${url} image-id=${image} user-name="Sandy" src=${pngOf(200, 100)}></image-chat>`);
      await ready(el);
      expect(el.createChat(0.4, 0.6, 'from a sandbox')).to.equal(undefined);
      await waitUntil(() => markers(el).length === 1 && !markers(el)[0]!.hasAttribute('data-pending'), 'the marker was not saved');
      expect(part(el, 'status')?.textContent?.trim() ?? '').to.equal('', 'no banner');
      expect(quiet.said).to.deep.equal([]);
    } finally {
      quiet.stop();
      undo.forEach((u) => u());
    }
  });
});

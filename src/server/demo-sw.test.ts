// The demo page's service worker is served so that it may control `/` (offline reload of the demo).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './app.ts';

test('/demo/sw.js is JavaScript, allowed the scope `/`, and never cached stale', async () => {
  const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: ':memory:' });
  try {
    const res = await fetch(`${server.url}/demo/sw.js`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(res.headers.get('service-worker-allowed'), '/');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.match(await res.text(), /addEventListener\('fetch'/);
    const other = await fetch(`${server.url}/demo/checkout.svg`);
    await other.arrayBuffer();
    assert.equal(other.headers.get('service-worker-allowed'), null, 'only the worker gets the header');
  } finally {
    await server.close();
  }
});

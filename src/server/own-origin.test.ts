// The dashboard served by this server may use the API of a tenant whose pages live elsewhere;
// other sites' pages still may not. Real server, real HTTP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import { httpCall } from '../../test/support/http-call.ts';
import { apiKeyOf, testTenant, testTenants } from '../../test/support/test-tenants.ts';
import { isOwnOrigin } from './own-origin.ts';

let server: RunningServer;
before(async () => {
  server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: ':memory:', tenants: testTenants(testTenant('far-shop', { origins: ['https://shop.example'] })) });
});
after(() => server.close());

test('the server’s own pages reach a tenant whose origins are elsewhere; another origin, or another port, does not', async () => {
  const usage = (origin: string) =>
    httpCall(server.port, '/api/v1/tenants/far-shop/usage', 'GET', { origin, host: `127.0.0.1:${server.port}`, authorization: `Bearer ${apiKeyOf('far-shop')}` });
  assert.equal((await usage(`http://127.0.0.1:${server.port}`)).status, 200);
  assert.equal((await usage('https://shop.example')).status, 200);
  for (const origin of ['https://evil.example', `http://127.0.0.1:${server.port + 1}`, 'null']) {
    const r = await usage(origin);
    assert.equal(r.status, 403, origin);
    assert.match(JSON.parse(r.body).error.message, /origin may not read tenant "far-shop"/);
  }
});

test('isOwnOrigin compares host and port exactly, and only for http(s) origins', () => {
  assert.equal(isOwnOrigin('https://chat.example.com', 'chat.example.com'), true);
  assert.equal(isOwnOrigin('https://chat.example.com', 'CHAT.example.com'), true);
  assert.equal(isOwnOrigin('http://chat.example.com:8080', 'chat.example.com:8080'), true);
  assert.equal(isOwnOrigin('http://chat.example.com:8080', 'chat.example.com'), false);
  assert.equal(isOwnOrigin('https://chat.example.com.evil.example', 'chat.example.com'), false);
  assert.equal(isOwnOrigin('null', 'chat.example.com'), false);
  assert.equal(isOwnOrigin(undefined, 'chat.example.com'), false);
  assert.equal(isOwnOrigin('https://chat.example.com', undefined), false);
});

// /metrics names no tenant without METRICS_TOKEN and needs the token when one is set; the REST API
// answers CORS preflights for the tenant's origins. Real servers, real HTTP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './app.ts';
import type { RunningServer } from './app.ts';
import { TestClient } from '../../test/support/test-client.ts';
import { httpCall } from '../../test/support/http-call.ts';
import { apiKeyOf, testTenant, testTenants } from '../../test/support/test-tenants.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';
const tenants = testTenants(testTenant('hidden-shop', { origins: ['https://shop.example'] }));
let open: RunningServer;
let guarded: RunningServer;
before(async () => {
  open = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: ':memory:', tenants });
  guarded = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: ':memory:', tenants, metricsToken: TOKEN });
});
after(async () => {
  await open.close();
  await guarded.close();
});

const call = (server: RunningServer, path: string, method = 'GET', headers: Record<string, string> = {}) => httpCall(server.port, path, method, headers);

test('without METRICS_TOKEN, /metrics shows totals only: no tenant id, no per-tenant count', async () => {
  const c = await TestClient.open(open.url, 'hidden-shop');
  await c.hello({ name: 'Spy target' });
  const r = await call(open, '/metrics');
  assert.equal(r.status, 200);
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.match(r.body, /^image_chat_connections 1$/m);
  assert.match(r.body, /^image_chat_messages_sent_total [1-9]\d*$/m);
  assert.doesNotMatch(r.body, /tenant=/);
  assert.doesNotMatch(r.body, /hidden-shop/);
  await c.close();
});

test('with METRICS_TOKEN, /metrics needs it as a bearer, then shows each tenant', async () => {
  const c = await TestClient.open(guarded.url, 'hidden-shop');
  await c.hello({ name: 'Counted' });
  const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-token-at-all' }, { authorization: `Basic ${TOKEN}` }, { authorization: `Bearer ${apiKeyOf('hidden-shop')}` }];
  for (const headers of attempts) {
    const r = await call(guarded, '/metrics', 'GET', headers);
    assert.equal(r.status, 401, JSON.stringify(headers));
    assert.equal(r.headers['www-authenticate'], 'Bearer');
    const error = JSON.parse(r.body).error;
    assert.equal(error.code, 'unauthorized');
    assert.match(error.message, /metrics token/);
    assert.doesNotMatch(r.body, /hidden-shop/);
  }
  const r = await call(guarded, '/metrics', 'GET', { authorization: `Bearer ${TOKEN}` });
  assert.equal(r.status, 200);
  assert.match(r.body, /^image_chat_connections\{tenant="hidden-shop"\} 1$/m);
  await c.close();
});

test('CORS preflight on the REST API: 204 for an allowed origin, 403 for another, 404 for no tenant', async () => {
  const chats = '/api/v1/tenants/hidden-shop/images/a.png/chats';
  const ask = { 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' };
  for (const path of [chats, '/api/v1/tenants/hidden-shop/usage']) {
    const ok = await call(open, path, 'OPTIONS', { origin: 'https://shop.example', ...ask });
    assert.equal(ok.status, 204, path);
    assert.equal(ok.body, '');
    assert.equal(ok.headers['access-control-allow-origin'], 'https://shop.example');
    assert.equal(ok.headers['access-control-allow-methods'], 'GET, OPTIONS');
    assert.equal(ok.headers['access-control-allow-headers'], 'Authorization, Content-Type, Accept');
    assert.ok(Number(ok.headers['access-control-max-age']) > 0);
    assert.match(String(ok.headers.vary), /Origin/);
  }
  const evil = await call(open, chats, 'OPTIONS', { origin: 'https://evil.example', ...ask });
  assert.equal(evil.status, 403);
  assert.equal(evil.headers['access-control-allow-origin'], undefined);
  assert.equal(JSON.parse(evil.body).error.code, 'forbidden');
  assert.match(JSON.parse(evil.body).error.message, /origin may not read tenant "hidden-shop"/);
  const nobody = await call(open, '/api/v1/tenants/nobody/usage', 'OPTIONS', { origin: 'https://shop.example', ...ask });
  assert.equal(nobody.status, 404);
  // Outside the API, OPTIONS is still not a method we answer.
  const health = await call(open, '/healthz', 'OPTIONS');
  assert.equal(health.status, 405);
  assert.equal(JSON.parse(health.body).error.code, 'method-not-allowed');
});

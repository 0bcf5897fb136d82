// A page on another origin calls the REST API with an Authorization header: Chromium sends the
// CORS preflight (OPTIONS) first, and only an answered preflight lets the real request through.
import { test, expect } from './fixtures.ts';

test('a page on another allowed origin reads the REST API with an Authorization header', async ({ page, server }) => {
  // 127.0.0.1 and localhost are two origins; the demo tenant allows both.
  await page.goto(`${server.url}/healthz`);
  const api = `http://localhost:${server.port}/api/v1/tenants/demo/images/cors.png/chats`;
  const answer = await page.evaluate(async (url) => {
    try {
      const r = await fetch(url, { headers: { Authorization: 'Bearer anything', Accept: 'application/json' } });
      return { status: r.status, body: await r.json() };
    } catch (e) {
      return { error: String(e) };
    }
  }, api);
  expect(answer).toEqual({ status: 200, body: expect.objectContaining({ image: 'cors.png', chats: [] }) });
});

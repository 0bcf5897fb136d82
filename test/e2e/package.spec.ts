// `npm install image-chat` as an app developer does it: the tarball `npm pack` makes, installed into fresh
// Vite, React 19, Vue and Svelte 5 apps in a temporary folder (their own vite, frameworks and TypeScript, from
// the registry; the code of docs/frameworks.md), type-checked against the package's .d.ts (Vite and React),
// built, served from their own origin and opened in Chromium — where the element syncs with a real server
// both ways.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, expect } from './fixtures.ts';
import { rawClient } from './helpers.ts';
import { buildApp, packTarball, type AppKind } from '../support/package-apps.ts';
import { staticServer } from '../support/static-server.ts';

// Packing builds everything, and each app installs from the registry: minutes, not seconds, on a busy machine.
test.describe.configure({ mode: 'serial', timeout: 10 * 60_000 });

let work: string;
let tarball: string;
test.beforeAll(async () => {
  test.setTimeout(10 * 60_000);
  work = mkdtempSync(join(tmpdir(), 'image-chat-package-'));
  tarball = await packTarball(work);
});
test.afterAll(() => rmSync(work, { recursive: true, force: true }));

test('the packed package.json: the exports map, not private, and only the element dependencies', () => {
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
  expect(manifest.private).toBeUndefined();
  expect(Object.keys(manifest.exports)).toEqual(expect.arrayContaining(['.', './element', './react']));
  expect(Object.keys(manifest.dependencies).sort()).toEqual(['idb-keyval', 'lit']);
  expect(manifest.scripts).toBeUndefined();
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
  for (const f of ['dist/lib/index.js', 'dist/lib/element.js', 'dist/types/index.d.ts', 'dist/types/react.d.ts', 'dist/image-chat.js', 'custom-elements.json']) {
    expect(files).toContain(`package/${f}`);
  }
  // The parts fetched on first use (a thread, a text box, the list) ship beside the widget they belong to.
  expect(files.some((f) => /^package\/dist\/image-chat-parts-[\w-]+\.js$/.test(f))).toBe(true);
  expect(files.filter((f) => /^package\/(src|test|scripts)\//.test(f))).toEqual([]);
});

const NAMES: Record<AppKind, string> = { vite: 'Vite', react: 'React 19', vue: 'Vue', svelte: 'Svelte 5' };
for (const kind of ['vite', 'react', 'vue', 'svelte'] as AppKind[]) {
  test(`a fresh ${NAMES[kind]} app installs the package, builds (Vite and React apps type-checked first), renders it and syncs`, async ({ page, server }) => {
    const dist = await buildApp(work, kind, tarball);
    // The server's own dependencies (SQLite, PostgreSQL, Redis…) are not an app's.
    expect(existsSync(join(work, `${kind}-app`, 'node_modules', 'better-sqlite3'))).toBe(false);
    expect(readFileSync(join(dist, 'index.html'), 'utf8')).toContain('<main id="app">');
    const host = await staticServer({ dir: dist });
    const image = `package-${kind}-${Date.now().toString(36)}`;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${host.url}/?server=${encodeURIComponent(server.url)}&image=${image}`);
      const chat = page.locator('image-chat');
      await expect(chat).toHaveAttribute('status', 'online');
      await expect.poll(() => chat.evaluate((el) => el.shadowRoot?.querySelector('[part~="overlay"]')?.getBoundingClientRect().height ?? 0)).toBeGreaterThan(0);

      // This app → the server: a marker placed here is stored, and the app heard the element's event.
      const overlay = chat.locator('[part~="overlay"]');
      const box = (await overlay.boundingBox())!;
      await overlay.click({ position: { x: box.width * 0.4, y: box.height * 0.5 } });
      await chat.locator('[part~="composer"]').fill(`From the ${kind} app`);
      await chat.locator('[part~="composer"]').press('Enter');
      await expect(page.locator('#created')).toHaveText(/\S+/);
      const stored = await (await fetch(`${server.url}/api/v1/tenants/demo/images/${image}/chats`)).json();
      expect(stored.chats.map((c: { comments: { text: string }[] }) => c.comments[0]!.text)).toEqual([`From the ${kind} app`]);
      expect((await page.locator('#created').textContent())!.split(',')).toEqual([stored.chats[0].id]);

      // Someone else → this app: another client's marker shows up live.
      const other = await rawClient(server.url, 'Other');
      await other.act({ type: 'create-image-chat', image, x: 0.7, y: 0.3, text: 'From elsewhere' });
      await other.close();
      await expect(chat.locator('[part~="marker"]')).toHaveCount(2);
      expect(errors).toEqual([]);
    } finally {
      await host.close();
    }
  });
}

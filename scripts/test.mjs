// `npm test`: every suite in turn, then one plain total line, `N passed, N failed`.
//   node  — src/**/*.test.ts outside the browser folders, and test/**/*.test.ts (node:test via tsx)
//   wtr   — src/widget, src/sync and src/dashboard *.test.ts in real Chromium (@web/test-runner)
//   e2e   — test/e2e/*.spec.ts, several browser contexts against a real server (Playwright)
// `node scripts/test.mjs node wtr` runs only the named suites. With CI set, a skipped test fails the run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, '.test-out');
const BROWSER_DIRS = ['src/widget', 'src/sync', 'src/dashboard'];

function filesUnder(dir, suffix) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)))
    .sort();
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function countsFromTap(file) {
  const tap = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const n = (key) => Number(tap.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
  return { passed: n('pass'), failed: n('fail') + n('cancelled'), skipped: n('skipped') + n('todo') };
}

const suites = {
  node() {
    const files = [...filesUnder('src', '.test.ts').filter((f) => !BROWSER_DIRS.some((d) => f.startsWith(d))), ...filesUnder('test', '.test.ts')];
    const tap = join(out, 'node.tap');
    const status = run(process.execPath, [
      '--import', 'tsx', '--test', '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      ...files,
    ]);
    return { status, ...countsFromTap(tap) };
  },
  wtr() {
    const file = join(out, 'wtr.json');
    const status = run('npx', ['wtr'], { WTR_COUNTS_FILE: file });
    const counts = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { passed: 0, failed: 1, skipped: 0 };
    return { status, ...counts };
  },
  e2e() {
    // Both bundles: the widget and the dashboard (package.json's build).
    const built = run('npm', ['run', 'build', '--silent']);
    if (built !== 0) return { status: built, passed: 0, failed: 1, skipped: 0 };
    const file = join(out, 'e2e.json');
    const status = run('npx', ['playwright', 'test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
    if (!existsSync(file)) return { status, passed: 0, failed: 1, skipped: 0 };
    const { stats } = JSON.parse(readFileSync(file, 'utf8'));
    return { status, passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped };
  },
};

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(suites);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
if (wanted.some((s) => s !== 'node') && run(process.execPath, ['scripts/ensure-browser.mjs']) !== 0) process.exit(1);

const total = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
for (const name of wanted) {
  if (!suites[name]) {
    console.error(`unknown suite "${name}"; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  const r = suites[name]();
  // A runner that exits non-zero with nothing counted as failed (a crash, a file that would not load) still fails.
  if (r.status !== 0 && r.failed === 0) r.failed = 1;
  for (const k of Object.keys(total)) total[k] += r[k];
  lines.push(`${name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
}

console.log('\n' + lines.join('\n'));
if (process.env.CI && total.skipped > 0) {
  console.log(`${total.skipped} skipped in CI: every suite must run here`);
  total.failed += total.skipped;
}
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed > 0 ? 1 : 0);

// The built widget's first load (the entry and its static imports) holds none of the tab-sharing code:
// the relay and the follower side are chunks the entry imports dynamically (src/sync/tab-connection.ts),
// which import what they share with it from the entry itself, so the first load stays one file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const LAZY = ['src/sync/leader.ts', 'src/sync/follower.ts', 'src/sync/tab-channel.ts', 'src/sync/tab-protocol.ts'];

interface Chunk {
  type: 'chunk';
  fileName: string;
  imports: string[];
  dynamicImports: string[];
  moduleIds: string[];
}
type Output = { output: (Chunk | { type: 'asset' })[] };

test('the relay and the follower side are lazy chunks, out of the first load', async () => {
  const built = (await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'silent', build: { write: false } })) as Output | Output[];
  const chunks = (Array.isArray(built) ? built[0]! : built).output.filter((o): o is Chunk => o.type === 'chunk');
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const modulesOf = (c: Chunk) => c.moduleIds.map((id) => relative(root, id));

  const entry = byName.get('image-chat.js')!;
  assert.deepEqual(entry.imports, [], 'the first load is the entry alone');
  assert.deepEqual(modulesOf(entry).filter((m) => LAZY.includes(m)), [], 'no tab-sharing code in the first load');
  assert.ok(modulesOf(entry).includes('src/sync/tab-connection.ts'));

  const lazy = entry.dynamicImports.map((name) => byName.get(name)!);
  const relay = lazy.find((c) => modulesOf(c).includes('src/sync/leader.ts'));
  const follower = lazy.find((c) => modulesOf(c).includes('src/sync/follower.ts'));
  assert.match(relay?.fileName ?? '', /^image-chat-leader-[\w-]+\.js$/);
  assert.match(follower?.fileName ?? '', /^image-chat-follower-[\w-]+\.js$/);
  assert.deepEqual([...(follower?.imports ?? [])].sort(), ['image-chat.js', relay!.fileName].sort(), 'the follower side brings the relay (failover)');
  assert.deepEqual(relay?.imports, ['image-chat.js']);
});

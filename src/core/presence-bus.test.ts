import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readBusMessage } from './presence-bus.ts';

test('another node’s presence messages are read; anything malformed is dropped, never thrown', () => {
  const viewers = { node: 'n2', kind: 'viewers', viewers: [['u:a', 'Ana', 0, 5], ['g_b', 'Ben', 1, 7]], ask: true };
  assert.deepEqual(readBusMessage(JSON.stringify(viewers)), viewers);
  const typing = { node: 'n2', kind: 'typing', chatId: 'c1', user: { id: 'u:a', name: 'Ana' }, stop: true };
  assert.deepEqual(readBusMessage(JSON.stringify(typing)), typing);
  for (const bad of ['{', 'null', '7', '[]', '{"kind":"viewers","viewers":[]}', '{"node":"n","kind":"viewers","viewers":[["a","b",2,1]]}', '{"node":"n","kind":"viewers","viewers":[["a",3,0,1]]}', '{"node":"n","kind":"typing","chatId":"c","user":null}', '{"node":"n","kind":"typing","user":{"id":"a","name":"b"}}', '{"node":"n","kind":"other"}']) {
    assert.equal(readBusMessage(bad), undefined, bad);
  }
});

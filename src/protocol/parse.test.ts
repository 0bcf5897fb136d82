import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageUrl, parseClientFrame, parseClientMessage } from './parse.ts';
import { MAX_BATCH } from './limits.ts';

const ID = '0b8f6a1e-3c7d-4b2a-9f10-1234567890ab';
const create = { type: 'create-image-chat', image: 'https://example.com/a.png', broadcastId: ID, x: 0.25, y: 0.75, text: 'Hi' };
const update = (change: unknown) => ({ type: 'update-image-chat', image: 'img', broadcastId: ID, chatId: 'c1', change });

const valid: [string, unknown][] = [
  ['hello, bare', { type: 'hello' }],
  ['hello with name and guest token', { type: 'hello', name: 'Ada', guest: 'g_1.sig' }],
  ['hello with SSO token', { type: 'hello', token: 'a.b.c' }],
  ['subscribe', { type: 'subscribe', image: 'img' }],
  ['subscribe since', { type: 'subscribe', image: 'img', since: { epoch: 'e1', seq: 0 } }],
  ['unsubscribe', { type: 'unsubscribe', image: 'img' }],
  ['create', create],
  ['create at the corners 0 and 1', { ...create, x: 0, y: 1 }],
  ['create with 2000 characters', { ...create, text: 'a'.repeat(2000) }],
  ['create with 2000 emoji (code points, not UTF-16 units)', { ...create, text: '😀'.repeat(2000) }],
  ['create with the page it was made on', { ...create, page: 'https://shop.example/p/1?v=2' }],
  ['create with newlines and tabs', { ...create, text: 'line one\n\tline two\n' }],
  ['a name with accents and emoji', { type: 'hello', name: 'Zoë 😀' }],
  ['add-comment', update({ kind: 'add-comment', text: 'reply' })],
  ['edit-comment', update({ kind: 'edit-comment', commentId: 'k-1', text: 'fixed' })],
  ['delete-comment', update({ kind: 'delete-comment', commentId: 'k_1' })],
  ['move', update({ kind: 'move', x: 1, y: 0 })],
  ['resolve', update({ kind: 'resolve', resolved: true })],
  ['delete', { type: 'delete-image-chat', image: 'img', broadcastId: ID, chatId: 'c1' }],
  ['ping', { type: 'ping' }],
  ['presence away', { type: 'presence', image: 'img', here: false }],
  ['presence here', { type: 'presence', image: 'img', here: true }],
  ['typing', { type: 'typing', image: 'img', chatId: 'c1' }],
  ['typing stopped', { type: 'typing', image: 'img', chatId: 'c1', stop: true }],
];

for (const [name, value] of valid) {
  test(`accepts ${name}`, () => {
    const r = parseClientMessage(value);
    assert.equal(r.ok, true, r.ok ? '' : r.message);
    if (r.ok) assert.deepEqual(r.message, value);
  });
}

// [name, frame text, words the reason must contain]
const invalid: [string, string, RegExp][] = [
  ['not JSON', '{type:', /not valid JSON/],
  ['a JSON string', '"hello"', /JSON object/],
  ['null', 'null', /JSON object/],
  ['a number', '42', /JSON object/],
  ['no type', '{}', /type must be a string/],
  ['type not a string', '{"type":7}', /type must be a string/],
  ['unknown type', '{"type":"drop-tables"}', /unknown message type "drop-tables"/],
  ['presence without here', '{"type":"presence","image":"img"}', /here is missing/],
  ['presence here as a string', '{"type":"presence","image":"img","here":"yes"}', /here must be true or false/],
  ['typing as someone else', '{"type":"typing","image":"img","chatId":"c1","user":{"id":"u:x","name":"X"}}', /user is not an allowed field/],
  ['typing stop false', '{"type":"typing","image":"img","chatId":"c1","stop":false}', /stop must be true when given/],
  ['typing with a bad chat id', '{"type":"typing","image":"img","chatId":"../x"}', /chatId is not a valid id/],
  ['extra field', JSON.stringify({ ...create, admin: true }), /admin is not an allowed field/],
  ['__proto__ key', `{"type":"ping","__proto__":{"polluted":1}}`, /__proto__ is not an allowed field/],
  ['constructor key', `{"type":"ping","constructor":{}}`, /constructor is not an allowed field/],
  ['missing image', JSON.stringify({ ...create, image: undefined }), /image is missing/],
  ['missing text', JSON.stringify({ ...create, text: undefined }), /text is missing/],
  ['x above 1', JSON.stringify({ ...create, x: 1.5 }), /x must be between 0 and 1/],
  ['y below 0', JSON.stringify({ ...create, y: -0.1 }), /y must be between 0 and 1/],
  ['x overflowing to Infinity', JSON.stringify(create).replace('"x":0.25', '"x":1e999'), /x must be a finite number/],
  ['x as a string', JSON.stringify({ ...create, x: '0.5' }), /x must be a finite number/],
  ['y null (NaN serialises to null)', JSON.stringify({ ...create, y: NaN }), /y must be a finite number/],
  ['empty text', JSON.stringify({ ...create, text: '' }), /text must not be empty/],
  ['blank text', JSON.stringify({ ...create, text: ' \n\t ' }), /text must not be empty/],
  ['2001 characters', JSON.stringify({ ...create, text: 'a'.repeat(2001) }), /longer than 2000/],
  ['text as an array', JSON.stringify({ ...create, text: ['a'] }), /text must be a string/],
  ['broadcastId not a UUID', JSON.stringify({ ...create, broadcastId: 'abc' }), /broadcastId must be a UUID/],
  ['empty image', JSON.stringify({ ...create, image: '' }), /image must not be empty/],
  ['image too long', JSON.stringify({ ...create, image: 'i'.repeat(513) }), /longer than 512/],
  ['image with a control character', JSON.stringify({ ...create, image: 'a\u0000b' }), /control characters/],
  ['chatId with odd characters', JSON.stringify(update({ kind: 'resolve', resolved: true })).replace('"c1"', '"../x"'), /chatId is not a valid id/],
  ['change not an object', JSON.stringify(update('resolve')), /change must be an object/],
  ['unknown change kind', JSON.stringify(update({ kind: 'explode' })), /change.kind must be one of/],
  ['change with extra field', JSON.stringify(update({ kind: 'resolve', resolved: true, by: 'x' })), /change.by is not an allowed field/],
  ['resolve not boolean', JSON.stringify(update({ kind: 'resolve', resolved: 'yes' })), /true or false/],
  ['move out of range', JSON.stringify(update({ kind: 'move', x: 2, y: 0 })), /change.x must be between 0 and 1/],
  ['since without seq', JSON.stringify({ type: 'subscribe', image: 'i', since: { epoch: 'e' } }), /since.seq is missing/],
  ['since with a negative seq', JSON.stringify({ type: 'subscribe', image: 'i', since: { epoch: 'e', seq: -1 } }), /at least 0/],
  ['since with a fractional seq', JSON.stringify({ type: 'subscribe', image: 'i', since: { epoch: 'e', seq: 1.5 } }), /whole number/],
  ['blank name', JSON.stringify({ type: 'hello', name: '   ' }), /name must not be empty/],
  ['name too long', JSON.stringify({ type: 'hello', name: 'n'.repeat(81) }), /longer than 80/],
  ['a text with a NUL', JSON.stringify({ ...create, text: 'a\u0000b' }), /text must not contain control characters/],
  ['a text with a carriage return', JSON.stringify({ ...create, text: 'a\r\nb' }), /text must not contain control characters/],
  ['a text with an escape sequence', JSON.stringify({ ...create, text: 'red \u001b[31m' }), /text must not contain control characters/],
  ['a text with DEL', JSON.stringify({ ...create, text: 'a\u007fb' }), /text must not contain control characters/],
  ['a text with a C1 control', JSON.stringify({ ...create, text: 'a\u0085b' }), /text must not contain control characters/],
  ['a text with a lone surrogate', JSON.stringify({ ...create, text: 'a\ud800b' }), /text must be well-formed Unicode/],
  ['a reply with a control character', JSON.stringify(update({ kind: 'add-comment', text: 'ok\u0007' })), /change.text must not contain control characters/],
  ['an edit with a control character', JSON.stringify(update({ kind: 'edit-comment', commentId: 'k', text: '\u0001x' })), /change.text must not contain control characters/],
  ['a guest name with a control character', JSON.stringify({ type: 'hello', name: 'Ada\u0000' }), /name must not contain control characters/],
  ['a guest name with a lone surrogate', JSON.stringify({ type: 'hello', name: '\udc00Ada' }), /name must be well-formed Unicode/],
  ['ping with a payload', JSON.stringify({ type: 'ping', at: 1 }), /at is not an allowed field/],
  ['empty batch', '[]', /at least one message/],
  ['oversized batch', JSON.stringify(Array.from({ length: MAX_BATCH + 1 }, () => ({ type: 'ping' }))), /at most 50/],
];

for (const [name, frame, reason] of invalid) {
  test(`refuses ${name}`, () => {
    const results = parseClientFrame(frame);
    assert.equal(results.length, 1);
    const [r] = results;
    assert.ok(r && !r.ok, 'expected a refusal');
    if (r && !r.ok) assert.match(r.message, reason);
  });
}

test('a refused action carries its broadcastId so the client can roll back', () => {
  const [r] = parseClientFrame(JSON.stringify({ ...create, x: 9 }));
  assert.ok(r && !r.ok);
  if (r && !r.ok) assert.equal(r.broadcastId, ID);
});

test('a batch is judged entry by entry', () => {
  const results = parseClientFrame(JSON.stringify([{ type: 'ping' }, { type: 'nope' }, create]));
  assert.deepEqual(
    results.map((r) => r.ok),
    [true, false, true],
  );
});

test('a __proto__ key never reaches Object.prototype', () => {
  parseClientFrame(`{"type":"hello","__proto__":{"polluted":true}}`);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('page: an http(s) URL is kept without its hash or credentials; anything else is dropped, never refused', () => {
  const kept: [unknown, string][] = [
    ['https://shop.example/p/1?v=2#comments', 'https://shop.example/p/1?v=2'],
    ['http://localhost:8787/', 'http://localhost:8787/'],
    ['HTTPS://Shop.Example/a b', 'https://shop.example/a%20b'],
    ['https://user:secret@shop.example/', 'https://shop.example/'],
    [`https://e.example/${'a'.repeat(2048 - 'https://e.example/'.length)}#${'h'.repeat(100)}`, `https://e.example/${'a'.repeat(2048 - 'https://e.example/'.length)}`],
  ];
  for (const [given, stored] of kept) assert.equal(pageUrl(given), stored, String(given));
  const dropped: unknown[] = [
    'javascript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd', 'about:blank', 'blob:https://a.example/1',
    '/relative/path', 'not a url', '', 42, null, {}, ['https://a.example/'],
    `https://e.example/${'a'.repeat(2049 - 'https://e.example/'.length)}`,
  ];
  for (const given of dropped) {
    assert.equal(pageUrl(given), undefined, String(given));
    const r = parseClientMessage({ ...create, page: given });
    assert.ok(r.ok, `a create with page ${String(given).slice(0, 40)} is still accepted`);
    assert.deepEqual(r.message, create, 'without the page');
  }
  const r = parseClientMessage({ ...create, page: 'https://shop.example/p#x' });
  assert.ok(r.ok && r.message.type === 'create-image-chat' && r.message.page === 'https://shop.example/p');
});

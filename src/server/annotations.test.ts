import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Chat } from '../protocol/messages.ts';
import { annotationCollection, annotationSource, collectionParts } from './annotations.ts';
import { webAnnotationProblems } from '../../test/support/web-annotation.ts';

const ann = { id: 'g_ann', name: 'Ann' };
const bo = { id: 'u:bo', name: 'Bo "the" Reviewer' };
const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);
const COLLECTION = 'http://localhost:8787/api/v1/tenants/acme/images/https%3A%2F%2Fshop.example%2Fa.png/annotations';

const chats: Chat[] = [
  {
    id: '6f1c0a52-8a0e-4f5e-9d0b-2f3c4d5e6f70',
    x: 0.25,
    y: 0.123456,
    author: ann,
    createdAt: T0,
    resolved: false,
    comments: [
      { id: '0b8f6a1e-3c7d-4b2a-9f10-1234567890ab', author: ann, text: 'The button is <b>too</b> small', createdAt: T0 },
      { id: '1c9e7b2f-4d8e-4c3b-8a21-234567890abc', author: bo, text: 'Agreed 👍\nfixing', createdAt: T0 + 60_000, editedAt: T0 + 120_000 },
    ],
  },
  { id: 'legacy_id', x: 0, y: 1, author: bo, createdAt: T0 + 5, resolved: true, comments: [{ id: 'k1', author: bo, text: 'corner', createdAt: T0 + 5 }] },
  { id: '2d0f8c3a-5e9f-4d4c-9b32-34567890abcd', x: 1e-9, y: 0.9999999, author: ann, createdAt: T0, resolved: false, comments: [{ id: 'k2', author: ann, text: 'edge', createdAt: T0 }] },
];

test('a collection of one page, one commenting annotation per conversation, valid by the Web Annotation shape', () => {
  const doc = annotationCollection(COLLECTION, 'acme', 'https://shop.example/a.png', chats) as Record<string, any>;
  assert.deepEqual(webAnnotationProblems(doc), []);
  assert.equal(doc['@context'], 'http://www.w3.org/ns/anno.jsonld');
  assert.equal(doc.id, COLLECTION);
  assert.equal(doc.total, 3);
  assert.equal(doc.last, `${COLLECTION}#page-0`);
  const [first, legacy, edge] = doc.first.items;
  assert.deepEqual(first, {
    id: 'urn:uuid:6f1c0a52-8a0e-4f5e-9d0b-2f3c4d5e6f70',
    type: 'Annotation',
    motivation: 'commenting',
    creator: { type: 'Person', name: 'Ann' },
    created: '2026-11-24T10:00:00.000Z',
    body: [
      {
        id: 'urn:uuid:0b8f6a1e-3c7d-4b2a-9f10-1234567890ab',
        type: 'TextualBody',
        purpose: 'commenting',
        value: 'The button is <b>too</b> small',
        format: 'text/plain',
        creator: { type: 'Person', name: 'Ann' },
        created: '2026-11-24T10:00:00.000Z',
      },
      {
        id: 'urn:uuid:1c9e7b2f-4d8e-4c3b-8a21-234567890abc',
        type: 'TextualBody',
        purpose: 'replying',
        value: 'Agreed 👍\nfixing',
        format: 'text/plain',
        creator: { type: 'Person', name: 'Bo "the" Reviewer' },
        created: '2026-11-24T10:01:00.000Z',
        modified: '2026-11-24T10:02:00.000Z',
      },
    ],
    target: {
      source: 'https://shop.example/a.png',
      selector: { type: 'FragmentSelector', conformsTo: 'http://www.w3.org/TR/media-frags/', value: 'xywh=percent:25,12.346,0,0' },
    },
  });
  assert.equal(legacy.id, `${COLLECTION}#legacy_id`, 'an id that is no UUID hangs off the collection');
  assert.equal(legacy.target.selector.value, 'xywh=percent:0,100,0,0');
  assert.equal(edge.target.selector.value, 'xywh=percent:0,100,0,0', 'never in exponent notation');
});

test('an image id that is no http(s) URL is named by a URN of the tenant and image', () => {
  assert.equal(annotationSource('acme', 'https://shop.example/a b.png'), 'https://shop.example/a%20b.png');
  assert.equal(annotationSource('acme', 'checkout-mockup'), 'urn:image-chat:acme:checkout-mockup');
  assert.equal(annotationSource('acme', 'a/b c:d'), 'urn:image-chat:acme:a%2Fb%20c%3Ad');
  assert.equal(annotationSource('acme', 'javascript:alert(1)'), 'urn:image-chat:acme:javascript%3Aalert(1)');
  const doc = annotationCollection(COLLECTION, 'acme', 'a/b c:d', chats.slice(1)) as Record<string, any>;
  assert.deepEqual(webAnnotationProblems(doc), []);
  assert.equal(doc.first.items[0].target.source, 'urn:image-chat:acme:a%2Fb%20c%3Ad');
});

test('an image with no conversations is an empty, valid collection; the streamed parts join to the same document', () => {
  const empty = annotationCollection(COLLECTION, 'acme', 'x', []) as Record<string, any>;
  assert.deepEqual(webAnnotationProblems(empty), []);
  assert.deepEqual([empty.total, empty.first.items], [0, []]);
  const parts = collectionParts(COLLECTION, 'acme', 'x');
  const streamed = JSON.parse(parts.open + chats.map((c) => parts.item(c)).join(',') + parts.close(chats.length));
  assert.deepEqual(streamed, annotationCollection(COLLECTION, 'acme', 'x', chats));
});

test('the validator catches what the shape forbids', () => {
  const good = annotationCollection(COLLECTION, 'acme', 'x', chats.slice(0, 1)) as Record<string, any>;
  const broken = structuredClone(good);
  delete broken['@context'];
  broken.first.items[0].target.selector.value = 'xywh=10,10,0,0';
  broken.first.items[0].body[0].type = 'Comment';
  broken.first.items[0].status = 'resolved';
  delete broken.first.items[0].created;
  const problems = webAnnotationProblems(broken).join('\n');
  for (const expected of [/@context/, /selector.value must be xywh=percent/, /TextualBody/, /"status" is not a term/, /created must be an xsd:dateTime/]) {
    assert.match(problems, expected);
  }
});

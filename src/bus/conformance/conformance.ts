/**
 * What every Bus must do, run against the in-process bus and the Redis bus
 * (two bus instances on one Redis: two nodes). Delivery is awaited by
 * publishing a fence after the messages under test from the same publisher:
 * the fence arriving proves anything published before it had its chance.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Bus } from '../bus.ts';

export interface BusNodes {
  /** Two nodes of one cluster (the in-process bus: the same bus twice, a process is one node). */
  readonly nodes: readonly [Bus, Bus];
  /** Topics a bus still holds (leak check). */
  topicCount(bus: Bus): number;
  close(): Promise<void>;
}

/** A failed delivery shows as a failed wait, never as a pass: nothing here passes by timing. */
const FAILED_WAIT_MS = 10_000;

/** Records what a handler got; `until` resolves once a payload arrives. */
class Inbox {
  readonly got: string[] = [];
  private waiters: { payload: string; resolve: () => void }[] = [];
  readonly handler = (payload: string): void => {
    this.got.push(payload);
    this.waiters = this.waiters.filter((w) => (w.payload === payload ? (w.resolve(), false) : true));
  };

  until(payload: string): Promise<void> {
    if (this.got.includes(payload)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`"${payload}" never arrived`)), FAILED_WAIT_MS);
      this.waiters.push({ payload, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }
}

export function busConformance(name: string, open: () => Promise<BusNodes>): void {
  const withNodes = (body: (run: BusNodes) => Promise<void>) => async () => {
    const run = await open();
    try {
      await body(run);
    } finally {
      await run.close();
    }
  };
  const topic = () => `t-${randomUUID()}`;

  describe(`Bus conformance: ${name}`, () => {
    test('a message published as soon as subscribe is ready is delivered, to another node too', withNodes(async ({ nodes: [a, b] }) => {
      for (let i = 0; i < 20; i++) {
        const t = topic();
        const inbox = new Inbox();
        await b.subscribe(t, inbox.handler).ready;
        await a.publish(t, `first-${i}`);
        await a.publish(t, `fence-${i}`);
        await inbox.until(`fence-${i}`);
        assert.deepEqual(inbox.got, [`first-${i}`, `fence-${i}`], 'nothing published after ready is lost');
      }
    }));

    test('a topic delivers only its own messages', withNodes(async ({ nodes: [a, b] }) => {
      const [t1, t2] = [topic(), topic()];
      const one = new Inbox();
      const two = new Inbox();
      await Promise.all([b.subscribe(t1, one.handler).ready, b.subscribe(t2, two.handler).ready]);
      await a.publish(t1, 'for-1');
      await a.publish(t2, 'for-2');
      await a.publish(t1, 'fence');
      await a.publish(t2, 'fence');
      await Promise.all([one.until('fence'), two.until('fence')]);
      assert.deepEqual(one.got, ['for-1', 'fence']);
      assert.deepEqual(two.got, ['for-2', 'fence']);
    }));

    test('every subscriber of a topic gets each message; unsubscribe stops delivery at once', withNodes(async (run) => {
      const [a, b] = run.nodes;
      const t = topic();
      const kept = new Inbox();
      const dropped = new Inbox();
      const alone = new Inbox();
      const other = topic();
      const keptSub = b.subscribe(t, kept.handler);
      const droppedSub = b.subscribe(t, dropped.handler);
      const aloneSub = b.subscribe(other, alone.handler);
      await Promise.all([keptSub.ready, droppedSub.ready, aloneSub.ready]);
      await a.publish(t, 'both');
      await a.publish(other, 'alone-1');
      await kept.until('both');
      await dropped.until('both');
      await alone.until('alone-1');
      droppedSub.unsubscribe();
      droppedSub.unsubscribe(); // twice is harmless
      aloneSub.unsubscribe();
      await a.publish(t, 'after');
      await a.publish(other, 'alone-after');
      await a.publish(t, 'fence');
      await kept.until('fence');
      assert.deepEqual(kept.got, ['both', 'after', 'fence']);
      assert.deepEqual(dropped.got, ['both'], 'an ended subscription gets nothing more');
      assert.deepEqual(alone.got, ['alone-1'], 'a topic with no subscriber left gets nothing more');
      keptSub.unsubscribe();
      assert.equal(run.topicCount(b), 0, 'no topic is left behind');
    }));

    test("one publisher's messages arrive in the order it published them", withNodes(async ({ nodes: [a, b] }) => {
      const t = topic();
      const inbox = new Inbox();
      await b.subscribe(t, inbox.handler).ready;
      const sent = Array.from({ length: 300 }, (_, i) => `m${i}`);
      // Not awaited one by one: order must hold for a burst too.
      await Promise.all(sent.map((m) => a.publish(t, m)));
      await inbox.until('m299');
      assert.deepEqual(inbox.got, sent);
    }));

    test('many topics at once each get exactly their messages', withNodes(async (run) => {
      const [a, b] = run.nodes;
      const topics = Array.from({ length: 200 }, topic);
      const inboxes = topics.map(() => new Inbox());
      const subs = topics.map((t, i) => b.subscribe(t, inboxes[i]!.handler));
      await Promise.all(subs.map((s) => s.ready));
      await Promise.all(topics.map((t, i) => a.publish(t, `only-${i}`)));
      await Promise.all(inboxes.map((inbox, i) => inbox.until(`only-${i}`)));
      inboxes.forEach((inbox, i) => assert.deepEqual(inbox.got, [`only-${i}`]));
      subs.forEach((s) => s.unsubscribe());
      assert.equal(run.topicCount(b), 0);
    }));

    test('a volatile message reaches every node like any other, in order with the same publisher’s others', withNodes(async ({ nodes: [a, b] }) => {
      const t = topic();
      const inbox = new Inbox();
      await b.subscribe(t, inbox.handler).ready;
      // Volatile messages are dropped while a bus is still connecting: a round trip first.
      await a.check(FAILED_WAIT_MS);
      const sent = Array.from({ length: 50 }, (_, i) => `v${i}`);
      for (const m of sent) a.publishVolatile(t, m);
      await inbox.until('v49');
      assert.deepEqual(inbox.got, sent);
    }));

    test('a volatile publish never throws, on a closed bus neither, and delivers nothing there', withNodes(async (run) => {
      const [a, b] = run.nodes;
      const t = topic();
      const inbox = new Inbox();
      await b.subscribe(t, inbox.handler).ready;
      await b.close();
      assert.doesNotThrow(() => b.publishVolatile(t, 'after-close'));
      if (a !== b) {
        a.publishVolatile(t, 'to-a-closed-node');
        await a.publish(t, 'fence');
        await a.check(FAILED_WAIT_MS);
      }
      assert.deepEqual(inbox.got, []);
    }));

    test('a throwing handler does not keep the message from the others', withNodes(async ({ nodes: [a, b] }) => {
      const t = topic();
      const inbox = new Inbox();
      const bad = b.subscribe(t, () => {
        throw new Error('a bad subscriber (expected in this test)');
      });
      await Promise.all([bad.ready, b.subscribe(t, inbox.handler).ready]);
      await a.publish(t, 'x');
      await a.publish(t, 'y');
      await inbox.until('y');
      assert.deepEqual(inbox.got, ['x', 'y']);
    }));

    test('the health check is a round trip on each node', withNodes(async ({ nodes: [a, b] }) => {
      await a.check(FAILED_WAIT_MS);
      await b.check(FAILED_WAIT_MS);
    }));

    test('close releases everything: no delivery, no new subscription, not healthy', withNodes(async (run) => {
      const [, b] = run.nodes;
      const t = topic();
      const inbox = new Inbox();
      await b.subscribe(t, inbox.handler).ready;
      await b.check(FAILED_WAIT_MS);
      await b.close();
      assert.equal(run.topicCount(b), 0);
      await b.publish(t, 'after-close'); // resolves, does nothing
      await assert.rejects(b.subscribe(t, inbox.handler).ready, /closed/);
      await assert.rejects(b.check(100));
      assert.deepEqual(inbox.got, []);
      await b.close(); // twice is harmless
    }));
  });
}

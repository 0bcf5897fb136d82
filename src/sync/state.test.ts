// The connection reducer alone: a fake clock is just a number passed in, the random source a function.
import { expect } from '@open-wc/testing';
import { DEFAULT_OPTIONS, INITIAL_STATE, PROBE_EVERY, backoffDelay, transition, type ConnectionEvent, type ConnectionState, type Effect, type TransitionOptions } from './state.ts';

const USER = { id: 'u', name: 'U', kind: 'guest' } as const;

/** Drives the reducer like the driver does: a clock, and the effects of every step kept for inspection. */
function machine(random: () => number = () => 0.5, overrides: Partial<TransitionOptions> = {}) {
  const o: TransitionOptions = { ...DEFAULT_OPTIONS, random, ...overrides };
  let state: ConnectionState = INITIAL_STATE;
  let now = 0;
  let effects: readonly Effect[] = [];
  return {
    o,
    get state() {
      return state;
    },
    get effects() {
      return effects;
    },
    at(t: number) {
      now = t;
      return this;
    },
    send(event: ConnectionEvent) {
      const step = transition(state, event, now, o);
      state = step.state;
      effects = step.effects;
      return this;
    },
    waitFor(timer: 'retry' | 'heartbeat'): number | undefined {
      const e = effects.find((x) => x.type === 'wait' && x.timer === timer);
      return e?.type === 'wait' ? e.ms : undefined;
    },
    has(type: Effect['type']) {
      return effects.some((e) => e.type === type);
    },
  };
}

describe('connection reducer', () => {
  it('backoff: from ~250 ms, doubling, capped at 10 s, jittered within [half, full]', () => {
    const b = DEFAULT_OPTIONS.backoff;
    expect([backoffDelay(0, () => 0, b), backoffDelay(0, () => 1, b)]).to.deep.equal([125, 250]);
    expect([backoffDelay(1, () => 0, b), backoffDelay(1, () => 1, b)]).to.deep.equal([250, 500]);
    expect([backoffDelay(5, () => 0, b), backoffDelay(5, () => 1, b)]).to.deep.equal([4000, 8000]);
    for (const attempt of [6, 10, 40, 1000]) {
      expect(backoffDelay(attempt, () => 0, b)).to.equal(5000);
      expect(backoffDelay(attempt, () => 0.999999, b)).to.equal(10_000);
    }
    // Jitter spreads clients: many random draws give many delays, all inside the bounds.
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const delays = Array.from({ length: 200 }, () => backoffDelay(3, random, b));
    expect(Math.min(...delays)).to.be.at.least(1000);
    expect(Math.max(...delays)).to.be.at.most(2000);
    expect(new Set(delays).size).to.be.greaterThan(50);
  });

  it('starts by opening a socket; a first failure reconnects with backoff; repeated failures read offline, retries going on', () => {
    const m = machine(() => 1);
    m.send({ type: 'start', online: true });
    expect(m.state).to.deep.equal({ status: 'connecting', attempt: 0, socket: true });
    expect(m.effects).to.deep.equal([{ type: 'open' }]);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      m.send({ type: 'lost' });
      delays.push(m.waitFor('retry')!);
      if (i < 3) expect(m.state.status).to.equal('reconnecting');
      m.send({ type: 'retry' });
      expect(m.effects).to.deep.equal([{ type: 'open' }]);
    }
    expect(delays).to.deep.equal([500, 1000, 2000, 4000, 8000, 10_000]);
    expect(m.state).to.include({ status: 'offline', retry: true, network: false });
  });

  it('resets the backoff only after the connection stayed up stableAfter', () => {
    const m = machine(() => 1).send({ type: 'start', online: true });
    for (let i = 0; i < 3; i++) m.send({ type: 'lost' }).send({ type: 'retry' });
    m.at(1000).send({ type: 'welcome', user: USER });
    expect(m.state.status).to.equal('online');
    expect(m.has('subscribe-all')).to.equal(true);
    // Up for 5 s only: a flapping server; the next wait is longer than the last.
    m.at(6000).send({ type: 'lost' });
    expect(m.waitFor('retry')).to.equal(4000);
    expect(m.has('fail-pending')).to.equal(true);
    m.send({ type: 'retry' }).at(20_000).send({ type: 'welcome', user: USER });
    // Up for exactly 10 s: healthy again, back to the first step.
    m.at(30_000).send({ type: 'lost' });
    expect(m.waitFor('retry')).to.equal(250);
    expect(m.state).to.deep.equal({ status: 'reconnecting', attempt: 0, socket: false, retryAt: 30_250, fastSince: 30_000 });
  });

  it('heartbeat: pings after 8 s of silence and drops a connection whose ping goes unanswered, within 30 s of its last frame', () => {
    const m = machine().send({ type: 'start', online: true }).at(0).send({ type: 'welcome', user: USER });
    const every = m.waitFor('heartbeat')!;
    expect(every).to.equal(4000);
    // Frames keep arriving: no ping needed.
    m.at(3000).send({ type: 'heard' }).at(4000).send({ type: 'tick' });
    expect(m.has('ping')).to.equal(false);
    // Then silence from t=3 s: a tick finds 8 s of it and pings.
    let t = 4000;
    let pingedAt: number | undefined;
    let droppedAt: number | undefined;
    while (t < 60_000 && droppedAt === undefined) {
      t += every;
      m.at(t).send({ type: 'tick' });
      if (m.has('ping')) pingedAt ??= t;
      if (m.state.status !== 'online') droppedAt = t;
    }
    expect(pingedAt).to.equal(12_000);
    expect(droppedAt).to.equal(24_000);
    expect(droppedAt! - 3000).to.be.at.most(30_000);
    expect(m.effects[0]).to.deep.equal({ type: 'close' });
    expect(m.has('fail-pending')).to.equal(true);
    expect(m.state.status).to.equal('reconnecting');
    expect(m.waitFor('retry')).to.be.a('number');
  });

  it('heartbeat: a pong clears the ping; a late tick (a throttled background tab) is no reason to drop', () => {
    const m = machine().send({ type: 'start', online: true }).at(0).send({ type: 'welcome', user: USER });
    m.at(8000).send({ type: 'tick' });
    expect(m.has('ping')).to.equal(true);
    m.at(8005).send({ type: 'heard' });
    // The next tick comes a minute late: long silence, but the last ping was answered, so ping again.
    m.at(68_000).send({ type: 'tick' });
    expect(m.state.status).to.equal('online');
    expect(m.has('ping')).to.equal(true);
  });

  it('the browser going offline shows offline at once and tries nothing until it is back; online skips the wait', () => {
    const m = machine().send({ type: 'start', online: true }).at(0).send({ type: 'welcome', user: USER });
    m.send({ type: 'network-offline' });
    expect(m.state).to.include({ status: 'offline', network: true, retry: true, socket: false });
    expect((m.state as { reason: string }).reason).to.match(/network is offline/i);
    expect(m.effects.map((e) => e.type)).to.deep.equal(['close', 'cancel', 'cancel', 'fail-pending']);
    // A stray close or timer changes nothing while the network is away.
    m.send({ type: 'lost' });
    expect(m.effects).to.deep.equal([]);
    m.send({ type: 'retry' });
    expect(m.effects).to.deep.equal([]);
    expect(m.state.status).to.equal('offline');
    m.send({ type: 'network-online' });
    expect(m.state).to.deep.equal({ status: 'reconnecting', attempt: 0, socket: true, fastSince: 0 });
    expect(m.effects).to.deep.equal([{ type: 'cancel', timer: 'retry' }, { type: 'open' }]);
  });

  it('the online event during a backoff wait opens at once; during an opening socket it does nothing', () => {
    const m = machine().send({ type: 'start', online: true });
    m.send({ type: 'network-online' });
    expect(m.effects).to.deep.equal([], 'a socket is already opening');
    m.send({ type: 'lost' });
    expect(m.waitFor('retry')).to.be.greaterThan(0);
    m.send({ type: 'network-online' });
    expect(m.effects).to.deep.equal([{ type: 'cancel', timer: 'retry' }, { type: 'open' }]);
  });

  it('starting with the browser offline opens nothing', () => {
    const m = machine().send({ type: 'start', online: false });
    expect(m.state).to.include({ status: 'offline', network: true });
    expect(m.effects).to.deep.equal([]);
  });

  it('a refusal is final: no retry, whatever happens next', () => {
    const m = machine().send({ type: 'start', online: true }).send({ type: 'refused', reason: 'Your sign-in has expired.' });
    expect(m.state).to.deep.equal({ status: 'offline', attempt: 0, reason: 'Your sign-in has expired.', retry: false, network: false, socket: false });
    for (const event of [{ type: 'lost' }, { type: 'retry' }, { type: 'network-online' }, { type: 'network-offline' }] as const) {
      m.send(event);
      expect(m.effects, event.type).to.deep.equal([]);
      expect(m.state.status).to.equal('offline');
    }
  });

  it("a refusal keeps its facts beside the English reason (the widget words them), and a fresh try forgets them", () => {
    const refusal = { code: 'unauthorized', reason: 'sign-in-expired' } as const;
    const m = machine().send({ type: 'start', online: true }).send({ type: 'refused', reason: 'Your sign-in has expired.', refusal });
    expect(m.state).to.deep.equal({ status: 'offline', attempt: 0, reason: 'Your sign-in has expired.', refusal, retry: false, network: false, socket: false });
    m.send({ type: 'credentials' });
    expect(m.state).to.not.have.property('refusal');
  });

  it('a fresh sign-in token ends a refusal: it opens again, from the first step', () => {
    const m = machine().send({ type: 'start', online: true }).send({ type: 'refused', reason: 'Your sign-in has expired.' });
    m.send({ type: 'credentials' });
    expect(m.state).to.deep.equal({ status: 'connecting', attempt: 0, socket: true });
    expect(m.effects).to.deep.equal([{ type: 'open' }]);
  });

  it('a fresh sign-in token changes nothing on a connection that was not refused', () => {
    const m = machine().send({ type: 'start', online: true }).at(100).send({ type: 'welcome', user: USER });
    const online = m.state;
    m.send({ type: 'credentials' });
    expect(m.state).to.equal(online);
    expect(m.effects).to.deep.equal([]);
  });

  it('a second welcome (a renewed sign-in) updates the user and keeps everything else: no resubscribe, no timer', () => {
    const m = machine().send({ type: 'start', online: true }).at(100).send({ type: 'welcome', user: USER });
    const renamed = { ...USER, name: 'Renamed' };
    m.at(5000).send({ type: 'welcome', user: renamed });
    expect(m.state).to.deep.equal({ status: 'online', user: renamed, attempt: 0, since: 100, heard: 100, pinged: null });
    expect(m.effects).to.deep.equal([]);
  });

  describe('the server coming back (issue 11)', () => {
    /** Drives a server that stays down from t=0: every opened socket fails; returns the times sockets were opened. */
    function outage(m: ReturnType<typeof machine>, until: number, visible: boolean): number[] {
      const opens: number[] = [];
      let t = 0;
      m.at(t).send({ type: 'lost', reached: true, visible });
      while (t < until) {
        const wait = m.waitFor('retry');
        if (wait === undefined) throw new Error('no retry armed');
        expect(m.state).to.include({ retryAt: t + wait }, 'the state says when the next try is');
        t += wait;
        m.at(t).send({ type: 'retry' });
        expect(m.effects).to.deep.equal([{ type: 'open' }]);
        expect(m.state).to.not.have.property('retryAt');
        opens.push(t);
        m.send({ type: 'lost', reached: false, visible });
      }
      return opens;
    }

    it('a visible page tries at least once a second for the first minute of an outage, so a restarted server has it back within a second', () => {
      for (const r of [0, 0.5, 0.999999]) {
        const m = machine(() => r);
        const opens = outage(m, 60_000, true);
        // First tries come fast (from ~125–250 ms doubling), then never more than a second apart.
        const gaps = opens.map((t, i) => t - (opens[i - 1] ?? 0));
        expect(Math.max(...gaps), `random ${r}`).to.be.at.most(1000);
        expect(gaps.slice(0, 3), `random ${r}`).to.deep.equal([...gaps.slice(0, 3)].sort((a, b) => a - b));
        // The server listens again at any moment of that minute: the next try is at most a second later.
        for (const back of [700, 5_000, 33_333, 59_000]) {
          const next = opens.find((t) => t >= back)!;
          expect(next - back).to.be.at.most(1000);
        }
        expect(m.state).to.include({ status: 'offline', retry: true, network: false }, 'the attribute still reads offline after 4 failed tries');
      }
    });

    it('a server down for longer than that is not hammered: back to the full backoff, until someone comes back to the page', () => {
      const m = machine(() => 1);
      const opens = outage(m, 120_000, true);
      const late = opens.filter((t) => t > 61_000).map((t, i, all) => t - (all[i - 1] ?? t));
      expect(late.slice(1).every((g) => g === 10_000)).to.equal(true, 'the full cap once the minute is over');
      // Shown again, focused, or "Retry now": a try at once, and the visible pace for another minute.
      const now = opens.at(-1)! + 100;
      m.at(now).send({ type: 'retry-now' });
      expect(m.effects).to.deep.equal([{ type: 'cancel', timer: 'retry' }, { type: 'open' }]);
      expect(m.state).to.include({ fastSince: now });
      m.send({ type: 'lost', reached: false, visible: true });
      expect(m.waitFor('retry')).to.equal(1000);
    });

    it('jitter: the visible pace spreads clients over [0.5 s, 1 s], not all at once', () => {
      let seed = 11;
      const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
      const opens = outage(machine(random), 50_000, true);
      const late = opens.map((t, i) => t - (opens[i - 1] ?? 0)).slice(5);
      expect(Math.min(...late)).to.be.at.least(500);
      expect(Math.max(...late)).to.be.at.most(1000);
      expect(new Set(late).size).to.be.greaterThan(20);
    });

    it('a hidden page backs off to the full cap; being shown (or focused) tries at once', () => {
      const m = machine(() => 1);
      const opens = outage(m, 60_000, false);
      const gaps = opens.map((t, i) => t - (opens[i - 1] ?? 0));
      expect(gaps.slice(0, 7)).to.deep.equal([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
      expect(m.waitFor('retry')).to.equal(10_000);
      m.send({ type: 'retry-now' });
      expect(m.effects).to.deep.equal([{ type: 'cancel', timer: 'retry' }, { type: 'open' }]);
      expect(m.state).to.include({ status: 'offline', socket: true });
      expect(m.state).to.not.have.property('retryAt');
      m.send({ type: 'retry-now' });
      expect(m.effects).to.deep.equal([], 'a socket is already opening');
    });

    it('a server that accepts and then drops keeps the full backoff, visible or not', () => {
      const m = machine(() => 1).send({ type: 'start', online: true });
      const waits: number[] = [];
      for (let i = 0; i < 7; i++) {
        m.send({ type: 'lost', reached: true, visible: true });
        waits.push(m.waitFor('retry')!);
        m.send({ type: 'retry' });
      }
      expect(waits).to.deep.equal([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    });

    it('"retry now" does nothing while online, while the browser is offline, or once refused for good', () => {
      const online = machine().send({ type: 'start', online: true }).send({ type: 'welcome', user: USER });
      online.send({ type: 'retry-now' });
      expect(online.effects).to.deep.equal([]);
      expect(online.state.status).to.equal('online');
      const network = machine().send({ type: 'start', online: true }).send({ type: 'network-offline' });
      network.send({ type: 'retry-now' });
      expect(network.effects).to.deep.equal([]);
      expect(network.state).to.include({ status: 'offline', network: true });
      const refused = machine().send({ type: 'start', online: true }).send({ type: 'refused', reason: 'No.' });
      refused.send({ type: 'retry-now' });
      expect(refused.effects).to.deep.equal([]);
    });

    it('the browser offline, then its network back while the server is still down: offline, then unreachable again', () => {
      const m = machine(() => 1).send({ type: 'start', online: true });
      m.at(0).send({ type: 'lost', reached: false, visible: true });
      m.send({ type: 'network-offline' });
      expect(m.state).to.include({ status: 'offline', network: true });
      expect(m.state).to.not.have.property('retryAt');
      m.send({ type: 'network-online' });
      expect(m.state).to.deep.equal({ status: 'reconnecting', attempt: 1, socket: true, fastSince: 0 });
      m.at(100).send({ type: 'lost', reached: false, visible: true });
      expect(m.state).to.deep.equal({ status: 'reconnecting', attempt: 2, socket: false, retryAt: 1100, fastSince: 0 });
    });
  });

  describe('asking over HTTP first (a browser slows down socket attempts after failed ones)', () => {
    it('after a failed try, a retry probes; "ok" opens a socket at once; no answer waits as a failure; every 8th try opens a socket anyway', () => {
      const m = machine(() => 1, { probe: true }).send({ type: 'start', online: true });
      expect(m.effects).to.deep.equal([{ type: 'open' }], 'the first try is a socket');
      m.at(0).send({ type: 'lost', reached: false, visible: true });
      const kinds: string[] = [];
      for (let i = 1; i <= 2 * PROBE_EVERY; i++) {
        m.send({ type: 'retry' });
        const kind = m.effects.find((e) => e.type === 'open' || e.type === 'probe')!.type;
        kinds.push(kind);
        expect(m.state).to.include({ socket: true });
        if (kind === 'probe') {
          expect(m.state).to.include({ probing: true });
          m.send({ type: 'retry-now' });
          expect(m.effects).to.deep.equal([], 'a probe is a try under way');
          m.send({ type: 'probed', ok: false, visible: true });
        } else {
          expect(m.state).to.not.have.property('probing');
          m.send({ type: 'lost', reached: false, visible: true });
        }
        expect(m.waitFor('retry')).to.be.at.most(1000);
      }
      expect(kinds.map((k) => k[0]).join('')).to.equal(`${'p'.repeat(PROBE_EVERY - 1)}o`.repeat(2));
      m.send({ type: 'retry' });
      m.send({ type: 'probed', ok: true });
      expect(m.effects).to.deep.equal([{ type: 'open' }]);
      expect(m.state).to.include({ socket: true });
      expect(m.state).to.not.have.property('probing');
      m.send({ type: 'welcome', user: USER });
      expect(m.state.status).to.equal('online');
    });

    it('a late answer (the network went away meanwhile) changes nothing', () => {
      const m = machine(() => 1, { probe: true }).send({ type: 'start', online: true });
      m.send({ type: 'lost', reached: false, visible: true }).send({ type: 'retry' });
      expect(m.effects).to.deep.equal([{ type: 'probe' }]);
      m.send({ type: 'network-offline' });
      const offline = m.state;
      m.send({ type: 'probed', ok: true });
      expect(m.effects).to.deep.equal([]);
      expect(m.state).to.equal(offline);
    });

    it('"Retry now" probes too, and the first retry after losing a healthy connection is a socket', () => {
      const m = machine(() => 1, { probe: true }).send({ type: 'start', online: true }).at(0).send({ type: 'welcome', user: USER });
      m.at(20_000).send({ type: 'lost', reached: true, visible: true });
      m.send({ type: 'retry' });
      expect(m.effects).to.deep.equal([{ type: 'open' }]);
      m.send({ type: 'lost', reached: false, visible: true }).send({ type: 'retry-now' });
      expect(m.effects).to.deep.equal([{ type: 'cancel', timer: 'retry' }, { type: 'probe' }]);
    });
  });
});


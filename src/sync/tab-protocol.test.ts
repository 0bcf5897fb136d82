import { expect } from '@open-wc/testing';
import type { ChatEvent } from '../protocol/messages.ts';
import { answerCovers, handoverState, presentState, sameSubject, sharedKey, trackPosition } from './tab-protocol.ts';
import { lowestPosition } from './types.ts';

const event = (seq: number): ChatEvent => ({ type: 'deleted-image-chat', image: 'img', seq, broadcastId: `b${seq}`, chatId: 'c' });
const replay = (...seqs: number[]) => ({ type: 'replay', image: 'img', events: seqs.map(event) }) as const;
const snapshot = (epoch: string, seq: number) => ({ type: 'snapshot', image: 'img', epoch, seq, chats: [] }) as const;
const USER = { id: 'g1', name: 'Zoe', kind: 'guest' } as const;

describe('tab protocol rules', () => {
  it('tracks where a tab will be: a snapshot sets it, a covering replay and the next event move it, anything else leaves it', () => {
    const at5 = { epoch: 'e', seq: 5 };
    expect(trackPosition(undefined, snapshot('e', 9))).to.deep.equal({ epoch: 'e', seq: 9 });
    expect(trackPosition(at5, snapshot('f', 2))).to.deep.equal({ epoch: 'f', seq: 2 });
    expect(trackPosition(at5, replay(4, 5, 6, 7), { epoch: 'e', seq: 3 })).to.deep.equal({ epoch: 'e', seq: 7 });
    expect(trackPosition(at5, replay(), { epoch: 'e', seq: 5 })).to.deep.equal(at5);
    expect(trackPosition(at5, replay(8, 9), { epoch: 'e', seq: 7 })).to.deep.equal(at5, 'a replay from above the tab leaves a gap');
    expect(trackPosition(at5, replay(6), { epoch: 'x', seq: 5 })).to.deep.equal(at5, 'another epoch');
    expect(trackPosition(at5, replay(6))).to.deep.equal(at5, 'no base: unknown start');
    expect(trackPosition(undefined, replay(1), { epoch: 'e', seq: 0 })).to.equal(undefined);
    expect(trackPosition(at5, event(6))).to.deep.equal({ epoch: 'e', seq: 6 });
    expect(trackPosition(at5, event(8))).to.deep.equal(at5, 'a gap: the tab will ask again');
    expect(trackPosition(at5, event(3))).to.deep.equal(at5);
    expect(trackPosition(undefined, event(1))).to.equal(undefined);
  });

  it('a waiting tab takes a snapshot or a replay from at or below where it asked, and nothing else', () => {
    expect(answerCovers(undefined, snapshot('e', 3))).to.equal(true);
    expect(answerCovers({ epoch: 'e', seq: 4 }, replay(5), { epoch: 'e', seq: 4 })).to.equal(true);
    expect(answerCovers({ epoch: 'e', seq: 4 }, replay(3, 4, 5), { epoch: 'e', seq: 2 })).to.equal(true);
    expect(answerCovers({ epoch: 'e', seq: 4 }, replay(8), { epoch: 'e', seq: 7 })).to.equal(false, "another tab's answer from further on");
    expect(answerCovers({ epoch: 'e', seq: 4 }, replay(5), { epoch: 'f', seq: 1 })).to.equal(false);
    expect(answerCovers(undefined, replay(1), { epoch: 'e', seq: 0 })).to.equal(false, 'a tab that needs everything waits for a snapshot');
    expect(answerCovers({ epoch: 'e', seq: 4 }, replay(5))).to.equal(false);
    expect(answerCovers({ epoch: 'e', seq: 4 }, event(5))).to.equal(false, 'live events wait for the answer');
  });

  it('the lowest position of several tabs; nothing or two epochs mean a snapshot', () => {
    expect(lowestPosition([{ epoch: 'e', seq: 9 }, { epoch: 'e', seq: 4 }])).to.deep.equal({ epoch: 'e', seq: 4 });
    expect(lowestPosition([{ epoch: 'e', seq: 9 }, undefined])).to.equal(undefined);
    expect(lowestPosition([{ epoch: 'e', seq: 9 }, { epoch: 'f', seq: 1 }])).to.equal(undefined);
    expect(lowestPosition([])).to.equal(undefined);
  });

  it('a new leader connecting shows as reconnecting in a tab that was online; a refusal stays', () => {
    const connecting = { status: 'connecting', attempt: 0, socket: true } as const;
    expect(presentState(connecting, true).status).to.equal('reconnecting');
    expect(presentState(connecting, false).status).to.equal('connecting');
    const online = { status: 'online', user: USER, attempt: 0, since: 0, heard: 0, pinged: null } as const;
    expect(presentState(online, true)).to.equal(online);
    expect(handoverState(online, true).status).to.equal('reconnecting');
    expect(handoverState(connecting, false).status).to.equal('connecting');
    const refused = { status: 'offline', attempt: 0, reason: 'bad token', retry: false, network: false, socket: false } as const;
    expect(handoverState(refused, true)).to.equal(refused);
  });

  it('tabs share a socket only for the same server, tenant, read-only flag and signed-in user (the token\'s subject)', () => {
    const url = 'ws://a/ws?tenant=t';
    const b64url = (v: object) => btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(v)))).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const jwt = (claims: object) => `${b64url({ alg: 'HS256' })}.${b64url(claims)}.sig`;
    const ada1 = jwt({ sub: 'ada', exp: 1 });
    const ada2 = jwt({ sub: 'ada', exp: 2, name: 'Ada Lovelace ✓' });
    const bob = jwt({ sub: 'bob', exp: 1 });
    const zoe = jwt({ sub: 'zoë', exp: 1 });
    expect(sharedKey(url, {})).to.equal(url);
    expect(sharedKey(url, { readonly: true })).to.not.equal(sharedKey(url, {}));
    expect(sharedKey(url, { token: ada1 })).to.equal(sharedKey(url, { token: ada2 }), 'a fresh token for the same user: same socket');
    expect(sharedKey(url, { token: ada1 })).to.not.equal(sharedKey(url, { token: bob }));
    expect(sameSubject(ada1, ada2)).to.equal(true);
    expect(sameSubject(ada1, bob)).to.equal(false);
    expect(sameSubject(zoe, jwt({ sub: 'zoë', exp: 9 }))).to.equal(true, 'a subject beyond ASCII decodes too');
    expect(sameSubject(zoe, jwt({ sub: 'zoe', exp: 9 }))).to.equal(false);
    expect(sameSubject('x.y.z', 'x.y.z'), 'undecodable tokens are no one').to.equal(false);
    expect(sharedKey(url, { token: 'x.y.z' })).to.not.equal(sharedKey(url, { token: 'x.y.w' }), 'undecodable tokens are keyed by themselves');
    expect(sharedKey(url, { token: 'x.y.z' })).to.not.contain('x.y.z', 'the token itself is not in channel or lock names');
    expect(sharedKey(url, { token: ada1 })).to.not.contain('ada');
  });
});

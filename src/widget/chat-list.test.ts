import { expect } from '@open-wc/testing';
import type { Author, Chat, ChatEvent } from '../protocol/messages.ts';
import {
  EMPTY_CHAT_LIST,
  applyEvent,
  applyCached,
  applySnapshot,
  eventFit,
  isOwnEcho,
  markLoaded,
  positionOf,
  snapshotChanges,
  toCached,
  view as confirmedView,
  type ChatListState,
} from './chat-list.ts';
// Our actions in flight are drawn by chat-actions.ts's view; without any, it draws what chat-list.ts's does.
import { ackedChat, addPending, applyAck, rollback, viewWithPending as view } from './chat-actions.ts';

const ME: Author = { id: 'me', name: 'Me' };
const ANN: Author = { id: 'ann', name: 'Ann' };
const B1 = '00000000-0000-4000-8000-000000000001';
const B2 = '00000000-0000-4000-8000-000000000002';
const B3 = '00000000-0000-4000-8000-000000000003';

function chat(id: string, author: Author, text: string, createdAt: number, extra: Partial<Chat> = {}): Chat {
  return {
    id,
    x: 0.25,
    y: 0.75,
    author,
    createdAt,
    resolved: false,
    comments: [{ id: `${id}-c1`, author, text, createdAt }],
    ...extra,
  };
}

function loaded(...chats: Chat[]): ChatListState {
  return applySnapshot(EMPTY_CHAT_LIST, { type: 'snapshot', image: 'img', epoch: 'e1', seq: 10, chats });
}

describe('chat-list', () => {
  it('applies a snapshot, oldest first', () => {
    const s = loaded(chat('b', ANN, 'second', 200), chat('a', ANN, 'first', 100));
    expect(s.loaded).to.equal(true);
    expect(s.seq).to.equal(10);
    expect(view(s).map((c) => c.id)).to.deep.equal(['a', 'b']);
    expect(view(s).every((c) => !c.pending)).to.equal(true);
  });

  it('applies other clients\' events and skips already-seen seqs', () => {
    let s = loaded(chat('a', ANN, 'hi', 100));
    const added: ChatEvent = { type: 'new-image-chat', image: 'img', seq: 11, broadcastId: B1, chat: chat('b', ANN, 'yo', 200) };
    s = applyEvent(s, added);
    expect(view(s).map((c) => c.id)).to.deep.equal(['a', 'b']);
    const reply: ChatEvent = {
      type: 'image-chat-updated',
      image: 'img',
      seq: 12,
      broadcastId: B2,
      chatId: 'a',
      change: { kind: 'add-comment', text: 'reply', comment: { id: 'a-c2', author: ANN, text: 'reply', createdAt: 300 } },
    };
    s = applyEvent(s, reply);
    s = applyEvent(s, reply); // a duplicate delivery changes nothing
    expect(view(s)[0]?.comments.map((c) => c.text)).to.deep.equal(['hi', 'reply']);
    s = applyEvent(s, { type: 'deleted-image-chat', image: 'img', seq: 13, broadcastId: B3, chatId: 'b' });
    expect(view(s).map((c) => c.id)).to.deep.equal(['a']);
    expect(s.seq).to.equal(13);
  });

  it('shows an optimistic create at once, with the broadcastId as a temporary id', () => {
    let s = loaded();
    s = addPending(s, { type: 'create-image-chat', image: 'img', broadcastId: B1, x: 0.1, y: 0.2, text: 'hello' }, ME, 500);
    const [c] = view(s);
    expect(c?.id).to.equal(B1);
    expect(c?.pending).to.equal(true);
    expect(c?.unsaved).to.equal(true);
    expect(c?.author).to.deep.equal(ME);
    expect([c?.x, c?.y]).to.deep.equal([0.1, 0.2]);
    expect(c?.comments[0]?.text).to.equal('hello');
  });

  it('ack replaces the optimistic chat with the server chat', () => {
    let s = loaded();
    s = addPending(s, { type: 'create-image-chat', image: 'img', broadcastId: B1, x: 0.1, y: 0.2, text: 'hello' }, ME, 500);
    const stored = chat('srv1', ME, 'hello', 510, { x: 0.1, y: 0.2 });
    s = applyAck(s, { type: 'ack', broadcastId: B1, seq: 11, chat: stored });
    const list = view(s);
    expect(list.map((c) => c.id)).to.deep.equal(['srv1']);
    expect(list[0]?.pending).to.equal(false);
    expect(s.pending).to.have.length(0);
  });

  it('ignores the echo of our own action, before or after the ack, and never duplicates', () => {
    let s = loaded();
    s = addPending(s, { type: 'create-image-chat', image: 'img', broadcastId: B1, x: 0.1, y: 0.2, text: 'hello' }, ME, 500);
    const stored = chat('srv1', ME, 'hello', 510);
    const echo: ChatEvent = { type: 'new-image-chat', image: 'img', seq: 11, broadcastId: B1, chat: stored };
    expect(isOwnEcho(s, echo)).to.equal(true);
    s = applyEvent(s, echo);
    expect(view(s).map((c) => c.id)).to.deep.equal([B1]); // still the optimistic one
    s = applyAck(s, { type: 'ack', broadcastId: B1, seq: 11, chat: stored });
    s = applyEvent(s, echo);
    expect(view(s).map((c) => c.id)).to.deep.equal(['srv1']);
    expect(isOwnEcho(s, { ...echo, broadcastId: B2 })).to.equal(false);
  });

  it('rolls back exactly the refused action', () => {
    let s = loaded(chat('a', ANN, 'hi', 100), chat('b', ANN, 'yo', 200));
    s = addPending(s, { type: 'delete-image-chat', image: 'img', broadcastId: B1, chatId: 'a' }, ME, 500);
    s = addPending(s, { type: 'update-image-chat', image: 'img', broadcastId: B2, chatId: 'b', change: { kind: 'add-comment', text: 'mine' } }, ME, 501);
    s = addPending(s, { type: 'create-image-chat', image: 'img', broadcastId: B3, x: 0.5, y: 0.5, text: 'new' }, ME, 502);
    expect(view(s).map((c) => c.id)).to.deep.equal(['b', B3]);
    expect(view(s)[0]?.comments.map((c) => [c.text, c.pending])).to.deep.equal([['yo', false], ['mine', true]]);

    s = rollback(s, B1); // the delete was forbidden: the chat is back
    expect(view(s).map((c) => c.id)).to.deep.equal(['a', 'b', B3]);
    expect(view(s)[1]?.comments.map((c) => c.text)).to.deep.equal(['yo', 'mine']);

    s = rollback(s, B2); // the reply was refused: only the reply goes
    expect(view(s)[1]?.comments.map((c) => c.text)).to.deep.equal(['yo']);
    expect(view(s).map((c) => c.id)).to.deep.equal(['a', 'b', B3]);
  });

  it('applies optimistic resolve and delete-comment, and the delete ack removes the chat for good', () => {
    let s = loaded(chat('a', ME, 'hi', 100));
    s = addPending(s, { type: 'update-image-chat', image: 'img', broadcastId: B1, chatId: 'a', change: { kind: 'resolve', resolved: true } }, ME, 500);
    expect(view(s)[0]?.resolved).to.equal(true);
    s = applyAck(s, { type: 'ack', broadcastId: B1, seq: 11, change: { kind: 'resolve', resolved: true } });
    expect(view(s)[0]?.resolved).to.equal(true);
    expect(view(s)[0]?.pending).to.equal(false);
    expect(s.confirmed.get('a')).to.deep.equal({ chat: { ...chat('a', ME, 'hi', 100), resolved: true }, seq: 11 });
    s = addPending(s, { type: 'delete-image-chat', image: 'img', broadcastId: B2, chatId: 'a' }, ME, 501);
    expect(view(s)).to.have.length(0);
    s = applyAck(s, { type: 'ack', broadcastId: B2, seq: 12 });
    expect(view(s)).to.have.length(0);
    expect(s.confirmed.size).to.equal(0);
  });

  it('keeps a newer event from someone else over an older ack', () => {
    let s = loaded(chat('a', ME, 'hi', 100));
    s = addPending(s, { type: 'update-image-chat', image: 'img', broadcastId: B1, chatId: 'a', change: { kind: 'resolve', resolved: true } }, ME, 500);
    s = applyEvent(s, { type: 'image-chat-updated', image: 'img', seq: 12, broadcastId: B2, chatId: 'a', change: { kind: 'move', x: 0.9, y: 0.9 } });
    s = applyAck(s, { type: 'ack', broadcastId: B1, seq: 11, change: { kind: 'resolve', resolved: true } });
    expect(view(s)[0]?.x).to.equal(0.9);
  });

  it('an ack carrying a reply adds it to the confirmed thread, once, whatever comes after', () => {
    let s = loaded(chat('a', ANN, 'hi', 100));
    s = addPending(s, { type: 'update-image-chat', image: 'img', broadcastId: B1, chatId: 'a', change: { kind: 'add-comment', text: 'mine' } }, ME, 500);
    const mine = { id: 'a-c2', author: ME, text: 'mine', createdAt: 510 };
    const change = { kind: 'add-comment', text: 'mine', comment: mine } as const;
    s = applyAck(s, { type: 'ack', broadcastId: B1, seq: 11, change });
    expect(s.pending).to.have.length(0);
    expect(view(s)[0]?.comments.map((c) => [c.id, c.pending])).to.deep.equal([['a-c1', false], ['a-c2', false]]);
    expect(ackedChat(s, { type: 'update-image-chat', image: 'img', broadcastId: B1, chatId: 'a', change: { kind: 'add-comment', text: 'mine' } }, { type: 'ack', broadcastId: B1, seq: 11, change })?.comments).to.have.length(2);
    s = applyEvent(s, { type: 'image-chat-updated', image: 'img', seq: 11, broadcastId: B1, chatId: 'a', change });
    expect(view(s)[0]?.comments.map((c) => c.id)).to.deep.equal(['a-c1', 'a-c2'], 'the echo adds nothing');
  });

  it('an ack that overtook earlier events waits for its echo, so the thread keeps seq order and loses nothing', () => {
    let s = loaded(chat('a', ANN, 'hi', 100));
    const action = { type: 'update-image-chat', image: 'img', broadcastId: B1, chatId: 'a', change: { kind: 'add-comment', text: 'mine' } } as const;
    s = addPending(s, action, ME, 500);
    const mine = { id: 'a-c3', author: ME, text: 'mine', createdAt: 510 };
    const change = { kind: 'add-comment', text: 'mine', comment: mine } as const;
    // Seq 11 (Ann's reply, from another node) is still on its way when our ack at seq 12 arrives.
    s = applyAck(s, { type: 'ack', broadcastId: B1, seq: 12, change });
    expect(view(s)[0]?.comments.map((c) => [c.text, c.pending])).to.deep.equal([['hi', false], ['mine', true]], 'still drawn, not folded yet');
    expect(ackedChat(s, action, { type: 'ack', broadcastId: B1, seq: 12, change })?.comments.map((c) => c.text)).to.deep.equal(['hi', 'mine']);
    const theirs = { id: 'a-c2', author: ANN, text: 'theirs', createdAt: 505 };
    s = applyEvent(s, { type: 'image-chat-updated', image: 'img', seq: 11, broadcastId: B2, chatId: 'a', change: { kind: 'add-comment', text: 'theirs', comment: theirs } });
    s = applyEvent(s, { type: 'image-chat-updated', image: 'img', seq: 12, broadcastId: B1, chatId: 'a', change });
    expect(s.pending).to.have.length(0);
    expect(view(s)[0]?.comments.map((c) => [c.text, c.pending])).to.deep.equal([['hi', false], ['theirs', false], ['mine', false]]);
    expect(s.confirmed.get('a')?.seq).to.equal(12);
  });

  it('a snapshot past an acked action that was not folded yet replaces it (never drawn twice)', () => {
    let s = loaded(chat('a', ANN, 'hi', 100));
    s = addPending(s, { type: 'update-image-chat', image: 'img', broadcastId: B1, chatId: 'a', change: { kind: 'add-comment', text: 'mine' } }, ME, 500);
    const mine = { id: 'a-c3', author: ME, text: 'mine', createdAt: 510 };
    s = applyAck(s, { type: 'ack', broadcastId: B1, seq: 12, change: { kind: 'add-comment', text: 'mine', comment: mine } });
    const stored = { ...chat('a', ANN, 'hi', 100) };
    s = applySnapshot(s, { type: 'snapshot', image: 'img', epoch: 'e1', seq: 12, chats: [{ ...stored, comments: [...stored.comments, mine] }] });
    expect(view(s)[0]?.comments.map((c) => c.id)).to.deep.equal(['a-c1', 'a-c3']);
    expect(s.pending).to.have.length(0);
  });

  it('a fresh snapshot keeps our pending actions on top', () => {
    let s = loaded(chat('a', ANN, 'hi', 100));
    s = addPending(s, { type: 'create-image-chat', image: 'img', broadcastId: B1, x: 0.5, y: 0.5, text: 'new' }, ME, 502);
    s = applySnapshot(s, { type: 'snapshot', image: 'img', epoch: 'e1', seq: 20, chats: [] });
    expect(view(s).map((c) => c.id)).to.deep.equal([B1]);
  });

  it('classifies events by seq: old ones are ignored, the next applies, a jump is a gap to catch up on', () => {
    const s = loaded(chat('a', ANN, 'hi', 100));
    const at = (seq: number): ChatEvent => ({ type: 'deleted-image-chat', image: 'img', seq, broadcastId: B1, chatId: 'a' });
    expect([9, 10, 11, 12].map((n) => eventFit(s, at(n)))).to.deep.equal(['old', 'old', 'next', 'gap']);
    expect(positionOf(s)).to.deep.equal({ epoch: 'e1', seq: 10 });
    expect(positionOf(EMPTY_CHAT_LIST)).to.equal(undefined);
  });

  it('never applies an event twice to a conversation an ack already set at that seq (a replay after the ack)', () => {
    let s = loaded(chat('a', ANN, 'hi', 100));
    s = addPending(s, { type: 'update-image-chat', image: 'img', broadcastId: B1, chatId: 'a', change: { kind: 'add-comment', text: 'mine' } }, ME, 500);
    const mine = { id: 'a-c2', author: ME, text: 'mine', createdAt: 510 };
    s = applyAck(s, { type: 'ack', broadcastId: B1, seq: 11, change: { kind: 'add-comment', text: 'mine', comment: mine } });
    // Cached at this point, then read back after a reload: our own broadcastIds are not remembered there.
    const reloaded = applyCached(EMPTY_CHAT_LIST, toCached(s)!);
    const echo: ChatEvent = { type: 'image-chat-updated', image: 'img', seq: 11, broadcastId: B1, chatId: 'a', change: { kind: 'add-comment', text: 'mine', comment: mine } };
    expect(isOwnEcho(reloaded, echo)).to.equal(false);
    const after = markLoaded(applyEvent(reloaded, echo));
    expect(view(after)[0]?.comments.map((c) => c.text)).to.deep.equal(['hi', 'mine']);
    expect(after.seq).to.equal(11);
    expect(after.loaded && !after.cached).to.equal(true);
  });

  it('an action lost with the connection is not "ours" any more: if the server stored it, its replayed event applies', () => {
    let s = loaded(chat('a', ANN, 'hi', 100));
    s = addPending(s, { type: 'update-image-chat', image: 'img', broadcastId: B1, chatId: 'a', change: { kind: 'resolve', resolved: true } }, ME, 500);
    s = rollback(s, B1);
    expect(view(s)[0]?.resolved).to.equal(false);
    s = applyEvent(s, { type: 'image-chat-updated', image: 'img', seq: 11, broadcastId: B1, chatId: 'a', change: { kind: 'resolve', resolved: true } });
    expect(view(s)[0]?.resolved).to.equal(true);
  });

  it('the cache holds the confirmed state only, never pending actions', () => {
    let s = loaded(chat('a', ANN, 'hi', 100));
    s = addPending(s, { type: 'create-image-chat', image: 'img', broadcastId: B1, x: 0.5, y: 0.5, text: 'unsent' }, ME, 500);
    const cached = toCached(s)!;
    expect(cached.chats.map((c) => c.chat.id)).to.deep.equal(['a']);
    const painted = applyCached(EMPTY_CHAT_LIST, cached);
    expect(painted.loaded).to.equal(false);
    expect(painted.cached).to.equal(true);
    expect(view(painted).map((c) => c.id)).to.deep.equal(['a']);
  });
});

describe('snapshotChanges', () => {
  const snap = (seq: number, ...chats: Chat[]) => ({ type: 'snapshot' as const, image: 'img', epoch: 'e1', seq, chats });

  it('names what a snapshot created, updated and deleted against what was shown', () => {
    const kept = chat('k', ANN, 'unchanged', 1);
    const edited = chat('e', ANN, 'before', 2);
    const gone = chat('g', ANN, 'deleted while away', 3);
    const before = loaded(kept, edited, gone);
    const editedNow = { ...edited, resolved: true };
    const fresh = chat('n', ME, 'made while away', 4);
    const changes = snapshotChanges(before, snap(20, kept, editedNow, fresh));
    expect(changes.created.map((c) => c.id)).to.deep.equal(['n']);
    expect(changes.updated).to.deep.equal([editedNow]);
    expect(changes.deleted).to.deep.equal([gone], 'the deleted one as it was last known');
  });

  it('counts what the cache showed as shown', () => {
    const cachedChat = chat('c', ANN, 'from the cache', 1);
    const before = applyCached(EMPTY_CHAT_LIST, { epoch: 'e1', seq: 3, chats: [{ chat: cachedChat, seq: 3 }] });
    const changes = snapshotChanges(before, snap(9, chat('n', ANN, 'new', 5)));
    expect(changes.created.map((c) => c.id)).to.deep.equal(['n']);
    expect(changes.deleted.map((c) => c.id)).to.deep.equal(['c']);
  });

  it('the first load is not a change', () => {
    const changes = snapshotChanges(EMPTY_CHAT_LIST, snap(5, chat('a', ANN, 'hi', 1)));
    expect(changes).to.deep.equal({ created: [], updated: [], deleted: [] });
  });
});

describe('the view without actions of ours', () => {
  it('is the same as the one with them, from the confirmed conversations alone', () => {
    let s: ChatListState = applySnapshot(EMPTY_CHAT_LIST, { type: 'snapshot', image: 'img', epoch: 'e', seq: 2, chats: [chat('b', ANN, 'later', 200), chat('a', ANN, 'first', 100)] });
    s = applyEvent(s, { type: 'new-image-chat', image: 'img', broadcastId: B3, seq: 3, chat: chat('c', ANN, 'same time', 100) });
    expect(confirmedView(s)).to.deep.equal(view(s));
    expect(confirmedView(s).map((c) => c.id)).to.deep.equal(['a', 'c', 'b']);
  });
});

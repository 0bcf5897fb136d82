// The presence and typing parts and their timers (presence.ts, typing.ts), with an injected clock and page.
import { expect } from '@open-wc/testing';
import { render } from 'lit';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PresenceMessage } from '../protocol/messages.ts';
import { PresenceController, type PresenceSource } from './presence.ts';
import { Typing, othersTyping } from './typing.ts';
import { ThreadPopup } from './thread-popup.ts';
import type { ThreadContext } from './context.ts';
import { initials, typingTemplate, typingText } from './presence-view.ts';
import { loadParts } from './parts-loader.ts';
import { FakeTimers } from '../../test/support/fake-timers.ts';
import { FakePage } from '../../test/support/fake-page.ts';
import { I18n, english } from './i18n/i18n.ts';
import de from './i18n/locales/de.ts';
import ar from './i18n/locales/ar.ts';

// The avatars' view comes with the element's lazily loaded parts: here from the start.
await loadParts();

function host() {
  const controllers: ReactiveController[] = [];
  const h = {
    addController: (c: ReactiveController) => controllers.push(c),
    removeController: () => {},
    requestUpdate: () => {},
    updateComplete: Promise.resolve(true),
    connect: () => controllers.forEach((c) => c.hostConnected?.()),
    disconnect: () => controllers.forEach((c) => c.hostDisconnected?.()),
  };
  return h as typeof h & ReactiveControllerHost;
}

const ME = 'u:me';
const viewer = (n: number) => ({ id: `u:${n}`, name: `Person ${n}` });

function setup(options: { presence?: PresenceMessage; page?: FakePage; i18n?: I18n } = {}) {
  const timers = new FakeTimers();
  const page = options.page ?? new FakePage();
  const sent: string[] = [];
  let presence = options.presence;
  const source: PresenceSource = {
    presence: () => presence,
    me: () => ME,
    i18n: () => options.i18n ?? english,
    sendHere: (here) => sent.push(`here:${here}`),
  };
  const h = host();
  const controller = new PresenceController(h, source, { timers, page });
  h.connect();
  const badge = () => {
    const box = document.createElement('div');
    render(controller.badge('left', 8, 8), box);
    return box.querySelector<HTMLElement>('[part="presence"]');
  };
  return { timers, page, sent, controller, h, badge, setPresence: (p: PresenceMessage) => (presence = p) };
}

describe('presence: away after a minute hidden', () => {
  it('tells the server it is away once the page has been hidden 60 s, and back at once when shown', () => {
    const { timers, page, sent } = setup();
    page.emit('hidden');
    timers.advance(59_999);
    expect(sent).to.deep.equal([]);
    timers.advance(1);
    expect(sent).to.deep.equal(['here:false']);
    page.emit('visible');
    expect(sent).to.deep.equal(['here:false', 'here:true']);
  });

  it('a page shown again within the minute says nothing; a page hidden from the start counts from then', () => {
    const { timers, page, sent, h } = setup();
    page.emit('hidden');
    timers.advance(30_000);
    page.emit('visible');
    timers.advance(120_000);
    expect(sent).to.deep.equal([]);
    h.disconnect();
    const late = setup({ page: new FakePage(false) });
    late.timers.advance(60_000);
    expect(late.sent).to.deep.equal(['here:false']);
  });
});

function typing() {
  const timers = new FakeTimers();
  const sent: string[] = [];
  const typing = new Typing((chatId, stop) => sent.push(`${stop ? 'stop' : 'typing'}:${chatId}`), { now: timers.now });
  return { timers, sent, typing };
}

describe('typing: throttled, nothing while the text stays the same', () => {
  it('one typing per 2 s while the text changes, none for the same text, a stop when cleared or sent', () => {
    const { timers, typing: t, sent } = typing();
    t.input('c1', 'H');
    expect(sent).to.deep.equal(['typing:c1']);
    timers.advance(500);
    t.input('c1', 'He');
    timers.advance(1000);
    t.input('c1', 'Hel');
    expect(sent).to.have.length(1, 'at most one every 2 s');
    timers.advance(500);
    t.input('c1', 'Hel');
    expect(sent).to.have.length(1, 'the same text sends nothing');
    t.input('c1', 'Hell');
    expect(sent).to.deep.equal(['typing:c1', 'typing:c1']);
    timers.advance(10_000);
    t.input('c1', 'Hell');
    expect(sent).to.have.length(2, 'a pause sends nothing: the server lets it lapse');
    t.input('c1', '');
    expect(sent).to.deep.equal(['typing:c1', 'typing:c1', 'stop:c1'], 'cleared');
    t.input('c1', 'again');
    t.stop();
    t.stop();
    expect(sent.slice(3)).to.deep.equal(['typing:c1', 'stop:c1'], 'sent or closed: one stop');
  });

  it('another conversation stops the first; a view-only user sends nothing from the thread', () => {
    const { typing: t, sent } = typing();
    t.input('c1', 'a');
    t.input('c2', 'b');
    expect(sent).to.deep.equal(['typing:c1', 'stop:c1', 'typing:c2']);
    const viewOnly: string[] = [];
    const popup = new ThreadPopup((chatId) => viewOnly.push(chatId));
    const box = document.createElement('div');
    const chat = { id: 'c1', x: 0.5, y: 0.5, number: 1, resolved: false, pending: false, author: viewer(1), comments: [] } as unknown as Parameters<ThreadPopup['render']>[0]['chat'];
    const refuse = () => 'no';
    render(popup.render({ i18n: english, chat, number: 1, label: '', sheet: false, style: undefined, user: undefined, status: 'online', readonly: true, scope: 's', serverUnreachable: false, typists: [], reply: refuse, update: refuse, deleteChat: refuse, close: () => {} }), box);
    const context = (box.querySelector('image-chat-thread') as unknown as { context: ThreadContext }).context;
    context.drafting!('a');
    expect(viewOnly).to.deep.equal([]);
  });
});

describe('the presence part', () => {
  const message = (count: number, ids: number[], withMe = true): PresenceMessage => ({
    type: 'presence',
    image: 'img',
    count,
    viewers: [...(withMe ? [{ id: ME, name: 'Me' }] : []), ...ids.map(viewer)],
  });

  it('is not drawn while nobody else is there (or before the server said anything)', () => {
    expect(setup().badge()).to.equal(null);
    expect(setup({ presence: message(1, []) }).badge()).to.equal(null);
  });

  it('shows the others’ initials with their names, and the count of everyone viewing', () => {
    const badge = setup({ presence: { type: 'presence', image: 'img', count: 3, viewers: [{ id: ME, name: 'Me' }, { id: 'u:a', name: 'Ana Lima' }, { id: 'g_b', name: 'Ben', guest: true }] } }).badge()!;
    const avatars = [...badge.querySelectorAll<HTMLElement>('.avatar')];
    expect(avatars.map((a) => a.textContent)).to.deep.equal(['AL', 'B']);
    expect(avatars.map((a) => a.title)).to.deep.equal(['Ana Lima', 'Ben']);
    expect(avatars[1]!.dataset.guest).to.equal('true');
    expect(badge.dataset.count).to.equal('3');
    expect(badge.querySelector('.viewing')!.textContent).to.equal('3 viewing');
    expect(badge.querySelector('.visually-hidden')!.textContent).to.equal('Also viewing: Ana Lima and Ben');
  });

  it('folds the others past four into "+N", also those the server did not list', () => {
    const badge = setup({ presence: message(40, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) }).badge()!;
    expect(badge.querySelectorAll('.avatar:not(.more)')).to.have.length(4);
    expect(badge.querySelector('.more')!.textContent).to.equal('+35');
    expect(badge.dataset.others).to.equal('39');
    expect(badge.querySelector('.visually-hidden')!.textContent).to.match(/Person 11, and 28 others$/);
  });

  it('a viewer the server does not count (away) still sees the others, not itself', () => {
    const badge = setup({ presence: message(2, [1, 2], false) }).badge()!;
    expect(badge.dataset.others).to.equal('2');
    expect(badge.querySelectorAll('.avatar')).to.have.length(2);
  });
});

describe('the typing part', () => {
  it('says who else is typing, in one sentence; empty (but present) for nobody', () => {
    expect(typingText(english, [])).to.equal('');
    expect(typingText(english, [viewer(1)])).to.equal('Person 1 is typing…');
    expect(typingText(english, [viewer(1), viewer(2)])).to.equal('Person 1 and Person 2 are typing…');
    expect(typingText(english, [viewer(1), viewer(2), viewer(3)])).to.equal('3 people are typing…');
    expect(othersTyping([{ id: ME, name: 'Me' }, viewer(1)], ME)).to.deep.equal([viewer(1)]);
    const box = document.createElement('div');
    render(typingTemplate(english, []), box);
    const line = box.querySelector<HTMLElement>('[part="typing"]')!;
    expect(line.getAttribute('aria-live')).to.equal('polite');
    expect(line.textContent).to.equal('');
  });

  it('speaks the element’s language, with its plural forms', () => {
    const german = new I18n('de', 'de', de);
    expect(typingText(german, [viewer(1)])).to.equal('Person 1 schreibt…');
    expect(typingText(german, [viewer(1), viewer(2), viewer(3)])).to.equal('3 Personen schreiben…');
    const badge = setup({ i18n: german, presence: { type: 'presence', image: 'img', count: 2, viewers: [{ id: ME, name: 'Me' }, viewer(1)] } }).badge()!;
    expect(badge.querySelector('.viewing')!.textContent).to.equal('2 sehen zu');
    expect(badge.querySelector('.visually-hidden')!.textContent).to.equal('Sehen auch zu: Person 1');
    const arabic = new I18n('ar', 'ar', ar);
    expect(typingText(arabic, [viewer(1), viewer(2)])).to.equal('Person 1 وPerson 2 يكتبان…');
  });

  it('initials: first letters of the first and last words', () => {
    expect(initials('Ana')).to.equal('A');
    expect(initials('  ana maria  lima ')).to.equal('AL');
    expect(initials('Ærø Øst')).to.equal('ÆØ');
  });
});

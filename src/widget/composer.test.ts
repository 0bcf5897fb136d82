// <image-chat-composer> on its own: drafts per key, the counter, discarding, a refused text coming back.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../index.ts';
import { ImageChatComposer } from './composer.ts';
import type { ComposerOptions, Refused } from './composer.ts';
import { defineOnce } from './define.ts';
import { MAX_TEXT_CHARS } from '../protocol/limits.ts';
import { draftKey, drafts } from './draft-store.ts';
import { imageScope } from './image-id.ts';
import { english } from './i18n/i18n.ts';
import { loadParts } from './parts-loader.ts';

// The text box and its English sentences come with the element's lazily loaded parts (parts.ts), which
// also define it; this suite makes no <image-chat> to fetch them.
await loadParts();
defineOnce('image-chat-composer', ImageChatComposer);

interface Sent {
  text: string;
  refused: Refused;
}

function options(sent: Sent[], extra: Partial<ComposerOptions> = {}): ComposerOptions {
  return {
    i18n: english,
    label: 'Reply',
    placeholder: 'Reply…',
    sendLabel: 'Reply',
    error: undefined,
    disabled: false,
    onSend: (text, refused) => {
      sent.push({ text, refused });
      return true;
    },
    onCancel: () => {},
    ...extra,
  };
}

const box = (el: ImageChatComposer) => el.querySelector('textarea')!;
const button = (el: ImageChatComposer, label: string) => [...el.querySelectorAll('button')].find((b) => b.textContent!.trim() === label);

async function type(el: ImageChatComposer, text: string): Promise<void> {
  box(el).focus();
  await sendKeys({ type: text });
  await el.updateComplete;
}

describe('<image-chat-composer>', () => {
  const scope = imageScope('http://s', 'demo', `img-${crypto.randomUUID()}`);

  it('keeps each conversation its own draft: switching keys never carries the text over', async () => {
    const sent: Sent[] = [];
    const el = await fixture<ImageChatComposer>(html`<image-chat-composer .options=${options(sent, { draftKey: draftKey(scope, 'a') })}></image-chat-composer>`);
    await type(el, 'for thread a');
    el.options = options(sent, { draftKey: draftKey(scope, 'b') });
    await el.updateComplete;
    expect(box(el).value).to.equal('');
    await type(el, 'for b');
    el.options = options(sent, { draftKey: draftKey(scope, 'a') });
    await el.updateComplete;
    expect(box(el).value).to.equal('for thread a');
    expect(drafts.get(draftKey(scope, 'b'))).to.equal('for b');
    // Sending clears this draft only.
    await sendKeys({ press: 'Enter' });
    expect(sent.map((s) => s.text)).to.deep.equal(['for thread a']);
    expect(box(el).value).to.equal('');
    expect(drafts.get(draftKey(scope, 'a'))).to.equal('');
    expect(drafts.get(draftKey(scope, 'b'))).to.equal('for b');
    drafts.clear(draftKey(scope, 'b'));
  });

  it('shows a counter near the limit, and by how much a text is over it', async () => {
    const el = await fixture<ImageChatComposer>(html`<image-chat-composer .options=${options([], { draftKey: draftKey(scope, 'count') })}></image-chat-composer>`);
    expect(el.querySelector('.counter')).to.equal(null);
    box(el).value = 'x'.repeat(MAX_TEXT_CHARS - 201);
    await type(el, 'y');
    const counter = el.querySelector('.counter')!;
    expect(counter.textContent).to.equal('200 characters left');
    expect(box(el).getAttribute('aria-describedby')).to.equal(counter.id);
    box(el).value = 'x'.repeat(MAX_TEXT_CHARS);
    await type(el, '😀');
    expect(el.querySelector('.counter')!.textContent).to.equal('1 character over the limit');
    expect(el.querySelector('.counter')!.classList.contains('over')).to.equal(true);
    drafts.clear(draftKey(scope, 'count'));
  });

  it('puts a refused text back with the reason and a retry that sends it again', async () => {
    const sent: Sent[] = [];
    const el = await fixture<ImageChatComposer>(html`<image-chat-composer .options=${options(sent, { draftKey: draftKey(scope, 'r') })}></image-chat-composer>`);
    await type(el, 'hello there');
    await sendKeys({ press: 'Enter' });
    expect(box(el).value).to.equal('');
    sent[0]!.refused('Too many actions: wait 30 s and try again.');
    await el.updateComplete;
    expect(box(el).value).to.equal('hello there');
    const alert = el.querySelector('.refused [role="alert"]')!;
    expect(alert.textContent).to.equal('Not sent: Too many actions: wait 30 s and try again.');
    button(el, 'Try again')!.click();
    await el.updateComplete;
    expect(sent.map((s) => s.text)).to.deep.equal(['hello there', 'hello there']);
    expect(el.querySelector('.refused')).to.equal(null);
    expect(box(el).value).to.equal('');
  });

  it('a reply box offers Discard only with text, asks first, and stays open', async () => {
    let cancelled = 0;
    const el = await fixture<ImageChatComposer>(
      html`<image-chat-composer .options=${options([], { draftKey: draftKey(scope, 'd'), onCancel: () => cancelled++ })}></image-chat-composer>`,
    );
    expect(button(el, 'Discard')).to.equal(undefined);
    await type(el, 'second thoughts');
    button(el, 'Discard')!.click();
    await waitUntil(() => el.querySelector('[part~="confirm"]'));
    expect(document.activeElement).to.equal(button(el, 'Keep writing'));
    button(el, 'Discard')!.click(); // the question's own Discard
    await el.updateComplete;
    expect(box(el).value).to.equal('');
    expect(drafts.get(draftKey(scope, 'd'))).to.equal('');
    expect(document.activeElement).to.equal(box(el));
    expect(cancelled).to.equal(0);
    // Escape closes (the owner's onCancel) and keeps a draft.
    await type(el, 'kept');
    await sendKeys({ press: 'Escape' });
    expect(cancelled).to.equal(1);
    expect(drafts.get(draftKey(scope, 'd'))).to.equal('kept');
    drafts.clear(draftKey(scope, 'd'));
  });
});

// ChatSync against the real test server, through the browser's shared socket (leader tab, tab
// channel): a refusal reaches the element's callbacks with its facts beside the English message.
import { expect, waitUntil } from '@open-wc/testing';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ChatSync, type SyncErrorReport } from './chat-sync.ts';
import * as chatActions from './chat-actions.ts';
import { randomImageId, testServer } from '../../test/support/widget.ts';

/** The least a controller needs of its element. */
class Host implements ReactiveControllerHost {
  addController(_c: ReactiveController): void {}
  removeController(_c: ReactiveController): void {}
  requestUpdate(): void {}
  readonly updateComplete = Promise.resolve(true);
}

describe('ChatSync errors', () => {
  it("a refused action reaches error() and refused() with its reason, its action and the server's English message", async () => {
    const errors: [string, string, SyncErrorReport][] = [];
    const sync = new ChatSync(new Host(), { status: () => {}, change: () => {}, error: (code, message, report) => void errors.push([code, message, report]) });
    sync.acting = chatActions;
    try {
      sync.connect({ server: await testServer(), tenant: 'demo', name: 'Reader', image: randomImageId(), readonly: true });
      await waitUntil(() => sync.status === 'online' && sync.user?.readonly === true, 'not online');
      expect(sync.user?.readonlyWhy).to.equal('readonly-view');
      const refusals: [string, SyncErrorReport | undefined][] = [];
      expect(sync.create(0.5, 0.5, 'hello', (reason, report) => void refusals.push([reason, report]))).to.equal(undefined, 'sent');
      await waitUntil(() => refusals.length === 1, 'no refusal');
      const report = { code: 'forbidden', reason: 'readonly-view', message: 'This view is read-only.', action: 'create-image-chat' };
      expect(refusals).to.deep.equal([['This view is read-only.', report]]);
      expect(errors).to.deep.equal([['forbidden', 'Your comment was not posted: This view is read-only.', report]], 'the shown message as before, the facts beside it');
    } finally {
      sync.disconnect();
    }
  });

  it('an action made while not online is reported as not-online; a server that is no address as a refusal with bad-server-address', () => {
    const errors: SyncErrorReport[] = [];
    const sync = new ChatSync(new Host(), { status: () => {}, change: () => {}, error: (_c, _m, report) => void errors.push(report) });
    sync.acting = chatActions;
    try {
      const why = sync.create(0.5, 0.5, 'hello');
      expect(why).to.deep.include({ code: 'unavailable', reason: 'not-online', action: 'create-image-chat' });
      expect(errors).to.deep.equal([why], 'the element is told, and the caller gets the same facts to word');
      sync.connect({ server: 'not a url', tenant: 'demo', name: undefined, image: 'img' });
      expect(sync.state).to.deep.include({ status: 'offline', retry: false, refusal: { code: 'invalid', reason: 'bad-server-address' } });
    } finally {
      sync.disconnect();
    }
  });
});

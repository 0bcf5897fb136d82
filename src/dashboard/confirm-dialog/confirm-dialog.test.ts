import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../index.ts';
import { deepActiveElement, type DashboardConfirm } from './confirm-dialog.ts';

async function setup() {
  const host = await fixture<HTMLDivElement>(html`<div><button id="opener">Delete</button><dashboard-confirm></dashboard-confirm></div>`);
  const opener = host.querySelector<HTMLButtonElement>('#opener')!;
  const confirm = host.querySelector<DashboardConfirm>('dashboard-confirm')!;
  opener.focus();
  return { opener, confirm, part: (name: string) => confirm.shadowRoot!.querySelector<HTMLElement>(`[part="${name}"]`)! };
}

const question = { heading: 'Delete this conversation?', message: 'It cannot be undone.', confirmLabel: 'Delete conversation' };

describe('<dashboard-confirm>', () => {
  it('opens a modal dialog with focus on Cancel; Escape answers no and gives focus back', async () => {
    const { opener, confirm, part } = await setup();
    const answer = confirm.ask(question);
    await confirm.updateComplete;
    const dialog = part('dialog') as HTMLDialogElement;
    expect(dialog.open).to.equal(true);
    expect(dialog.matches(':modal')).to.equal(true);
    expect(deepActiveElement()).to.equal(part('cancel'));
    expect(dialog.textContent).to.contain('It cannot be undone.');
    await expect(confirm).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    expect(await answer).to.equal(false);
    expect(dialog.open).to.equal(false);
    expect(deepActiveElement()).to.equal(opener);
  });

  it('Tab then Enter on the confirm button answers yes', async () => {
    const { opener, confirm, part } = await setup();
    const answer = confirm.ask(question);
    await confirm.updateComplete;
    await sendKeys({ press: 'Tab' });
    expect(deepActiveElement()).to.equal(part('confirm'));
    expect(part('confirm').textContent).to.equal('Delete conversation');
    await sendKeys({ press: 'Enter' });
    expect(await answer).to.equal(true);
    expect(deepActiveElement()).to.equal(opener);
  });

  it('a second question answers the first with no', async () => {
    const { confirm, part } = await setup();
    const first = confirm.ask(question);
    const second = confirm.ask({ ...question, heading: 'Delete this comment?' });
    expect(await first).to.equal(false);
    await confirm.updateComplete;
    expect(part('dialog').querySelector('h2')!.textContent).to.equal('Delete this comment?');
    part('cancel').click();
    expect(await second).to.equal(false);
  });
});

import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../index.ts';
import type { DashboardSignIn } from './sign-in.ts';

const input = (el: DashboardSignIn, name: string) => el.shadowRoot!.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;

describe('<dashboard-sign-in>', () => {
  it('has labelled fields named tenant and key; the key is a password field with autocomplete off', async () => {
    const el = await fixture<DashboardSignIn>(html`<dashboard-sign-in></dashboard-sign-in>`);
    const key = input(el, 'key');
    expect(key.type).to.equal('password');
    expect(key.autocomplete).to.equal('off');
    expect(key.labels?.[0]?.textContent).to.equal('API key');
    expect(input(el, 'tenant').labels?.[0]?.textContent).to.equal('Tenant id');
    await expect(el).to.be.accessible();
  });

  it('sends tenant and key from the keyboard, with Enter', async () => {
    const el = await fixture<DashboardSignIn>(html`<dashboard-sign-in></dashboard-sign-in>`);
    el.focus();
    await sendKeys({ type: 'acme' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'secret-key' });
    const sent = oneEvent(el, 'dashboard-sign-in');
    await sendKeys({ press: 'Enter' });
    expect((await sent).detail).to.deep.equal({ tenant: 'acme', key: 'secret-key' });
    // Never a navigation that would put the key in a URL.
    expect(location.search).not.to.contain('secret-key');
  });

  it('says what is wrong with a malformed tenant id or a missing key, and sends nothing', async () => {
    const el = await fixture<DashboardSignIn>(html`<dashboard-sign-in tenant="Not A Tenant"></dashboard-sign-in>`);
    let sent = 0;
    el.addEventListener('dashboard-sign-in', () => sent++);
    input(el, 'key').value = 'k';
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('#problem')?.textContent).to.contain('lowercase letters, digits and hyphens');
    expect(input(el, 'tenant').getAttribute('aria-invalid')).to.equal('true');
    expect(el.shadowRoot!.activeElement).to.equal(input(el, 'tenant'));
    input(el, 'tenant').value = 'acme';
    input(el, 'key').value = '  ';
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('#problem')?.textContent).to.equal('Enter the API key.');
    expect(sent).to.equal(0);
    await expect(el).to.be.accessible();
  });

  it('shows a refusal as an alert, with the server sentence as detail; busy disables the button', async () => {
    const el = await fixture<DashboardSignIn>(
      html`<dashboard-sign-in .error=${'The key was refused.'} .detail=${'this key is not tenant "acme"\'s API key'} busy></dashboard-sign-in>`,
    );
    const alert = el.shadowRoot!.querySelector('[role="alert"]')!;
    expect(alert.textContent).to.contain('The key was refused.');
    expect(alert.textContent).to.contain('The server said: this key is not tenant');
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    expect(button.disabled).to.equal(true);
    expect(button.textContent).to.contain('Signing in');
    el.forgetKey();
    expect(input(el, 'key').value).to.equal('');
  });
});

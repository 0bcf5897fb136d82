/**
 * `<dashboard-sign-in>`: the tenant id and its API key. It checks only their
 * shape; whether the key is right is the server's answer, which the app
 * shows back here through `error`.
 *
 * @csspart form - The `<form>`.
 * @csspart error - The refusal, in words (role=alert).
 *
 * @fires dashboard-sign-in - `{tenant, key}` the form was sent with a well-formed tenant id and a key.
 */
import { LitElement, html, nothing } from 'lit';
import { TENANT_ID } from '../../core/tenants.ts';
import type { Credentials } from '../api.ts';
import { styles } from './sign-in.styles.ts';

export class DashboardSignIn extends LitElement {
  static override styles = styles;
  static override properties = {
    tenant: {},
    key: {},
    busy: { type: Boolean },
    error: {},
    detail: {},
    invalid: { state: true },
  };

  /** The tenant id the form starts with. */
  declare tenant: string;
  /** The key the form starts with (a retry after a network failure). */
  declare key: string;
  /** Signing in: the button says so and is disabled. */
  declare busy: boolean;
  /** Why the last attempt failed, in words. */
  declare error: string | undefined;
  /** The server's own sentence about it. */
  declare detail: string | undefined;
  declare private invalid: 'tenant' | 'key' | undefined;

  constructor() {
    super();
    this.tenant = '';
    this.key = '';
    this.busy = false;
  }

  /** Puts the cursor in the first field that needs typing. */
  override focus(): void {
    const tenant = this.field('tenant');
    (tenant?.value ? this.field('key') : tenant)?.focus();
  }

  /** Empties the key field (after a refusal or a sign-out). */
  forgetKey(): void {
    const key = this.field('key');
    if (key) key.value = '';
  }

  private field(name: 'tenant' | 'key'): HTMLInputElement | null | undefined {
    return this.renderRoot.querySelector<HTMLInputElement>(`input[name="${name}"]`);
  }

  private submit(e: SubmitEvent): void {
    // Never a real submission: the key would travel in a URL.
    e.preventDefault();
    if (this.busy) return;
    const tenant = this.field('tenant')!.value.trim();
    const key = this.field('key')!.value.trim();
    this.invalid = !TENANT_ID.test(tenant) ? 'tenant' : key === '' ? 'key' : undefined;
    if (this.invalid) {
      this.field(this.invalid)!.focus();
      return;
    }
    const detail: Credentials = { tenant, key };
    this.dispatchEvent(new CustomEvent('dashboard-sign-in', { detail, bubbles: true, composed: true }));
  }

  override render() {
    const problem =
      this.invalid === 'tenant'
        ? 'A tenant id is 1 to 63 lowercase letters, digits and hyphens, starting with a letter or digit.'
        : this.invalid === 'key'
          ? 'Enter the API key.'
          : undefined;
    return html`
      <form part="form" @submit=${this.submit} novalidate aria-labelledby="title" aria-busy=${this.busy ? 'true' : 'false'}>
        <h2 id="title">Sign in</h2>
        <p class="muted">Enter your tenant id and its API key. The key stays in this tab only and is forgotten when you sign out or close it.</p>
        <label for="tenant">Tenant id</label>
        <input
          id="tenant"
          name="tenant"
          .value=${this.tenant}
          autocomplete="off"
          autocapitalize="off"
          spellcheck="false"
          required
          aria-invalid=${this.invalid === 'tenant' ? 'true' : 'false'}
          aria-describedby=${this.invalid === 'tenant' ? 'problem' : nothing}
        />
        <label for="key">API key</label>
        <input
          id="key"
          name="key"
          type="password"
          .value=${this.key}
          autocomplete="off"
          spellcheck="false"
          required
          aria-invalid=${this.invalid === 'key' ? 'true' : 'false'}
          aria-describedby=${this.invalid === 'key' ? 'problem' : nothing}
        />
        ${problem ? html`<p id="problem" class="error">${problem}</p>` : nothing}
        <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Signing in…' : 'Sign in'}</button>
        <div part="error" role="alert" class="error">
          ${this.error ? html`<p>${this.error}</p>${this.detail ? html`<p class="detail">The server said: ${this.detail}</p>` : nothing}` : nothing}
        </div>
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dashboard-sign-in': DashboardSignIn;
  }
}

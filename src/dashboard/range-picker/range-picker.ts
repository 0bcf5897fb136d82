/**
 * `<dashboard-range-picker>`: last 24 hours, 7 days, 30 days, or two UTC
 * dates. Hourly buckets up to seven days, daily beyond.
 *
 * @csspart choices - The fieldset of the four choices.
 * @csspart custom - The from/to dates, shown for "Custom".
 *
 * @fires dashboard-range-change - `LabelledRange` (`{from, to, granularity, label}`) the range chosen.
 */
import { LitElement, html, nothing } from 'lit';
import { PRESETS, customRange, isoDay, presetRange, DAY_MS, type LabelledRange, type Preset } from '../range.ts';
import { styles } from './range-picker.styles.ts';

export type Choice = Preset | 'custom';

export class DashboardRangePicker extends LitElement {
  static override styles = styles;
  static override properties = {
    choice: {},
    fromDay: { state: true },
    toDay: { state: true },
    problem: { state: true },
  };

  /** The choice selected. */
  declare choice: Choice;
  declare private fromDay: string;
  declare private toDay: string;
  declare private problem: string | undefined;
  /** The clock ranges end at (tests set it). */
  now: () => number = () => Date.now();

  constructor() {
    super();
    this.choice = '24h';
    const today = Date.now();
    this.fromDay = isoDay(today - 6 * DAY_MS);
    this.toDay = isoDay(today);
  }

  /** The range the current choice stands for, computed now (so a refresh moves "last 24 hours" on). */
  get range(): LabelledRange | undefined {
    if (this.choice !== 'custom') return presetRange(this.choice, this.now());
    const r = customRange(this.fromDay, this.toDay);
    return 'error' in r ? undefined : r;
  }

  private emit(): void {
    const r = this.choice === 'custom' ? customRange(this.fromDay, this.toDay) : presetRange(this.choice, this.now());
    if ('error' in r) {
      this.problem = r.error;
      return;
    }
    this.problem = undefined;
    this.dispatchEvent(new CustomEvent<LabelledRange>('dashboard-range-change', { detail: r, bubbles: true, composed: true }));
  }

  private choose(e: Event): void {
    this.choice = (e.target as HTMLInputElement).value as Choice;
    // A custom range waits for its dates and the Apply button.
    if (this.choice !== 'custom') this.emit();
  }

  private apply(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    this.fromDay = (form.elements.namedItem('from') as HTMLInputElement).value;
    this.toDay = (form.elements.namedItem('to') as HTMLInputElement).value;
    this.emit();
  }

  override render() {
    const choices = [...PRESETS, { id: 'custom' as const, label: 'Custom' }];
    return html`
      <form @submit=${this.apply} novalidate>
        <fieldset part="choices">
          <legend>Range</legend>
          <div class="choices">
            ${choices.map(
              (c) => html`<label class="choice">
                <input type="radio" name="range" value=${c.id} .checked=${this.choice === c.id} @change=${this.choose} />
                ${c.label}
              </label>`,
            )}
          </div>
        </fieldset>
        ${this.choice === 'custom'
          ? html`<div part="custom" class="custom">
              <label>From (UTC) <input type="date" name="from" .value=${this.fromDay} required /></label>
              <label>To (UTC) <input type="date" name="to" .value=${this.toDay} required /></label>
              <button type="submit">Apply</button>
              ${this.problem ? html`<p class="error" role="alert">${this.problem}</p>` : nothing}
            </div>`
          : nothing}
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dashboard-range-picker': DashboardRangePicker;
  }
}

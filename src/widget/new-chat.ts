/**
 * Starting a conversation, for <image-chat>: the point, chosen by a click on the image or from the
 * keyboard (Enter shows the `placing` ghost in the middle, the arrow keys move it, Shift with an arrow
 * further, Enter again opens the text box, Escape gives up), and the `new-chat` popup with its text
 * box (new-chat-view.ts). It comes with the element's lazily loaded parts: the element hands it a click
 * or Enter on the image that came before they did.
 *
 * A refused new conversation comes back where it was placed, its text as the draft, unless something
 * else was opened meanwhile.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Point } from './geometry.ts';
import { nudge, pointToFraction } from './fractions.ts';
import type { Refused } from './composer.ts';
import type { ConnectionStatus } from '../sync/state.ts';
import type { I18n } from './i18n/i18n.ts';
import { newChatTemplate } from './new-chat-view.ts';
import { blockedReason } from './popups.ts';
import { draftKey } from './draft-store.ts';

export interface NewChatSource {
  viewOnly(): boolean;
  threadOpen(): boolean;
  closeThread(): void;
  /** Starts the conversation (the element's `createChat`): why it was refused at once, or undefined. */
  create(at: Point, text: string, refused: Refused): string | undefined;
  overlay(): HTMLElement | null;
}

/** What placing reads of a click or key on the image (the element may hand one on later: image-chat.ts). */
export type OverlayEvent = Pick<MouseEvent, 'type' | 'target' | 'currentTarget' | 'clientX' | 'clientY'> & Pick<KeyboardEvent, 'key' | 'shiftKey' | 'preventDefault'>;

type Host = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

export class NewChatController implements ReactiveController {
  /** The point chosen so far (the ghost is drawn there). */
  placing: Point | undefined;
  /** The text box is open at `placing`. */
  composing = false;
  /** Why the last text was refused at once, under the text box. */
  error: string | undefined;

  readonly #source: NewChatSource;
  readonly #host: Host;

  constructor(
    host: Host,
    source: NewChatSource,
  ) {
    this.#host = host;
    this.#source = source;
    host.addController(this);
  }

  hostUpdate(): void {
    if (!this.#source.viewOnly()) return;
    this.placing = undefined;
    this.composing = false;
  }

  /** A click on the overlay: closes an open thread, else opens the text box at that point of the image. */
  readonly onClick = (e: OverlayEvent): void => {
    const overlay = e.currentTarget as HTMLElement;
    if (e.target !== overlay && !(e.target as Element).classList?.contains('ghost')) return;
    if (this.#source.threadOpen()) return this.#source.closeThread();
    if (this.#source.viewOnly()) return;
    const box = overlay.getBoundingClientRect();
    const at = pointToFraction({ x: e.clientX - box.left, y: e.clientY - box.top }, { x: 0, y: 0, width: box.width, height: box.height });
    if (at) void this.start(at); // else outside the image content (a letterbox bar)
  };

  /** Keys on the overlay itself: Enter, the arrows and Escape place a conversation. */
  readonly onKey = (e: OverlayEvent): void => {
    if (e.target !== e.currentTarget || this.#source.viewOnly()) return;
    const step = e.shiftKey ? 0.1 : 0.01;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const move = moves[e.key];
    if (e.key === 'Enter') {
      e.preventDefault();
      if (this.#source.threadOpen()) this.#source.closeThread();
      if (!this.placing) this.#set({ x: 0.5, y: 0.5 }, false);
      else void this.start(this.placing);
    } else if (move && this.placing && !this.composing) {
      e.preventDefault();
      this.#set(nudge(this.placing, move[0], move[1]), false);
    } else if (e.key === 'Escape' && this.placing) {
      e.preventDefault();
      this.cancel();
    }
  };

  /** Opens the text box at `at`, focused. */
  async start(at: Point): Promise<void> {
    if (this.#source.threadOpen()) this.#source.closeThread();
    this.error = undefined;
    this.#set(at, true);
    await this.#host.updateComplete;
    (this.#host.renderRoot as ShadowRoot).querySelector<HTMLTextAreaElement>('[part~="new-chat"] textarea')?.focus();
  }

  /** Gives up: nothing placed, focus back on the image. */
  cancel(): void {
    this.stop();
    this.#source.overlay()?.focus();
  }

  /** Something else opened (a thread): the ghost and the text box go, the draft stays. */
  stop(): void {
    this.error = undefined;
    this.#set(undefined, false);
  }

  /** The text box's send: true once sent (the popup closes), false when refused at once (it says why). */
  send(text: string, refused: Refused): boolean {
    const at = this.placing;
    if (!at) return false;
    this.error = this.#source.create(at, text, (reason) => {
      refused(reason);
      if (!this.composing && !this.#source.threadOpen() && !this.#source.viewOnly()) void this.start(at);
    });
    if (this.error) {
      this.#host.requestUpdate();
      return false;
    }
    this.cancel();
    return true;
  }

  /** The text changed: a refusal shown under it no longer applies. */
  clearError(): void {
    if (this.error === undefined) return;
    this.error = undefined;
    this.#host.requestUpdate();
  }

  /**
   * The `new-chat` popup while composing: a full-screen sheet where `style` (placing it next to a point) is
   * not given. Offline or reconnecting, it says why nothing can be sent before anything is written.
   */
  popup(i18n: I18n, style: ((at: Point) => string) | undefined, status: ConnectionStatus, serverUnreachable: boolean, scope: string): TemplateResult | typeof nothing {
    const at = this.placing;
    if (!at || !this.composing || this.#source.viewOnly()) return nothing;
    return newChatTemplate({
      i18n,
      sheet: !style,
      style: style?.(at),
      error: this.error ?? blockedReason(i18n, status, serverUnreachable),
      disabled: status !== 'online',
      draftKey: draftKey(scope, 'new'),
      onSend: (text, refused) => this.send(text, refused),
      onCancel: () => this.cancel(),
      onInput: () => this.clearError(),
    });
  }

  /** The ghost marker, inside the overlay. */
  ghostTemplate(): TemplateResult | typeof nothing {
    const at = this.placing;
    return at ? html`<span part="placing" class="ghost" aria-hidden="true" style="left:${at.x * 100}%;top:${at.y * 100}%"></span>` : nothing;
  }

  #set(placing: Point | undefined, composing: boolean): void {
    this.placing = placing;
    this.composing = composing;
    this.#host.requestUpdate();
  }
}

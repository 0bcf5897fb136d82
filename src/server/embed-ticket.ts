/**
 * Embed tickets: how the `/embed` page's socket proves where it comes from.
 *
 * A page in `<iframe sandbox="allow-scripts">` has an opaque origin: its
 * socket arrives with `Origin: null`, which says nothing about who framed it,
 * and a page in a plain iframe of `/embed` has this server's own origin,
 * which is rarely one of the tenant's. The tenant's origins are enforced where
 * they still mean something — `/embed`'s `frame-ancestors` (embed.ts) — and
 * the page carries a ticket signed into it when it was served: HMAC-SHA256 of
 * the tenant and an expiry under a secret kept in the store (`embed-ticket`),
 * so every node sharing the database accepts every node's tickets.
 *
 * - `Origin: null` (or our own origin) with a valid ticket for that tenant:
 *   admitted as a page the tenant allows (the other checks, per-IP limits
 *   included, still apply).
 * - `Origin: null` without one, or with a forged, expired or other tenant's
 *   ticket: refused with 403, whatever the tenant's origins say (even `*`).
 * - Any other origin: the tenant's origins decide, ticket or not: a ticket
 *   never lets a page on a foreign origin in.
 *
 * A ticket lives TICKET_TTL_MS (10 minutes): long enough for a slow page to
 * open its socket, short enough that one copied out of a page is soon worth
 * nothing. An open socket admitted by a ticket is handed a fresh one every
 * RENEW_EVERY_MS (`{type: "ticket"}`, docs/protocol.md), so its reconnects
 * (a restart, a network drop) present a live ticket; a page that lost its
 * socket for longer than the lifetime must be reloaded.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChatCore, Refusal } from '../core/core.ts';
import { isOwnOrigin } from './own-origin.ts';

export const TICKET_TTL_MS = 10 * 60_000;
export const RENEW_EVERY_MS = 5 * 60_000;
/** The store secret tickets are signed with. */
export const TICKET_SECRET = 'embed-ticket';

const TICKET = /^([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/;

/** The refusal of an opaque-origin socket without a usable ticket; the widget shows its sentence. */
export const NO_TICKET: Refusal = {
  status: 403,
  message: 'This page has no origin (a sandboxed frame) and no valid embed ticket: embed the image with the server\'s /embed page, and reload it if it was open a long time.',
  reason: 'embed-ticket-missing',
};

const byCore = new WeakMap<ChatCore, EmbedTickets>();

export class EmbedTickets {
  private secret: Promise<string> | undefined;

  private constructor(private readonly core: ChatCore) {}

  /** The core's tickets: one signer per server, shared by the upgrade and the routes. */
  static of(core: ChatCore): EmbedTickets {
    let tickets = byCore.get(core);
    if (!tickets) byCore.set(core, (tickets = new EmbedTickets(core)));
    return tickets;
  }

  /** A ticket for `tenant`, valid TICKET_TTL_MS from now. */
  async issue(tenant: string): Promise<string> {
    const expires = Math.ceil((this.core.clock.now() + TICKET_TTL_MS) / 1000);
    return `${expires}.${sign(await this.key(), tenant, expires)}`;
  }

  /** Whether `ticket` was issued by this deployment for `tenant` and has not expired. */
  async valid(ticket: string | undefined, tenant: string): Promise<boolean> {
    const m = TICKET.exec(ticket ?? '');
    if (!m) return false;
    const expires = Number(m[1]);
    const now = this.core.clock.now();
    // Past its expiry, or further ahead than any ticket we issue (not one of ours).
    if (expires * 1000 < now || expires * 1000 > now + TICKET_TTL_MS + 1000) return false;
    const given = Buffer.from(m[2]!);
    const expected = Buffer.from(sign(await this.key(), tenant, expires));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /**
   * The upgrade's decision (and the `/ws` GET's, which explains it): the core's
   * checks, with an opaque or own origin standing in for an allowed one only
   * when it brings a valid ticket. `ticketed`: admitted by its ticket, so it is
   * to be handed fresh ones.
   */
  async admit(
    tenant: string,
    request: { origin: string | undefined; host: string | undefined; ticket: string | undefined; ip: string | undefined },
  ): Promise<{ refusal?: Refusal; ticketed: boolean }> {
    const { origin, ticket, ip } = request;
    const opaque = origin !== undefined && origin.toLowerCase() === 'null';
    const vouched = (opaque || isOwnOrigin(origin, request.host)) && (await this.valid(ticket, tenant));
    if (opaque && !vouched) {
      // The tenant must exist (404 first, as for everyone); then no ticket, no entry.
      const unknown = await this.core.admit(tenant, undefined, ip);
      return { refusal: unknown?.status === 404 ? unknown : NO_TICKET, ticketed: false };
    }
    // A vouched page counts as one the tenant allows; any other is judged by its origin.
    const refusal = await this.core.admit(tenant, vouched ? undefined : origin, ip);
    return refusal ? { refusal, ticketed: false } : { ticketed: vouched };
  }

  /** Sends the socket a fresh ticket now and every RENEW_EVERY_MS until it closes. */
  renewOn(socket: { send(data: string): void; once(event: 'close', fn: () => void): unknown }, tenant: string): void {
    const clock = this.core.clock;
    let timer: unknown;
    let open = true;
    const send = () => {
      this.issue(tenant).then(
        (ticket) => {
          if (!open) return;
          socket.send(JSON.stringify({ type: 'ticket', ticket }));
          timer = clock.setTimeout(send, RENEW_EVERY_MS);
        },
        (e: unknown) => this.core.log('an embed ticket could not be signed', e),
      );
    };
    socket.once('close', () => {
      open = false;
      clock.clearTimeout(timer);
    });
    send();
  }

  private key(): Promise<string> {
    if (!this.secret) {
      this.secret = this.core.store.secret(TICKET_SECRET);
      // A failed read (the store was down) is tried again next time.
      this.secret.catch(() => (this.secret = undefined));
    }
    return this.secret;
  }
}

function sign(secret: string, tenant: string, expires: number): string {
  // `embed` keeps these signatures apart from anything else signed with a store secret; a newline is in no tenant id.
  return createHmac('sha256', secret).update(`embed\n${tenant}\n${expires}`).digest('base64url');
}

/** The `ticket` parameter of a socket URL's query (`/ws?tenant=…&ticket=…`). */
export function ticketParam(query: string): string | undefined {
  return new URLSearchParams(query).get('ticket') ?? undefined;
}

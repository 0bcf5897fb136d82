/**
 * Tenants: who may connect (origins), how users prove who they are (SSO
 * secret, guests), who may read usage (API key) and the limits that apply.
 * Loaded by src/server/tenants-config.ts; with no configuration, the `demo`
 * tenant, which works on localhost only.
 */
import { MAX_TEXT_CHARS } from '../protocol/limits.ts';

export const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** What a guest (no SSO token) may do: post, only view, or not connect at all. */
export type GuestPolicy = 'post' | 'read' | 'off';

export interface TenantLimits {
  /** Longest message, in characters (at most the protocol's 2000). */
  readonly maxTextChars: number;
  /** Conversations one image may hold; one more is refused with `too-large`. */
  readonly maxChatsPerImage: number;
  /** Comments one conversation may hold, its opening one included; one more reply is refused with `too-large`. */
  readonly maxCommentsPerChat: number;
  /** Token bucket per user: actions refilled per minute, and the burst it may hold. */
  readonly actionsPerMinute: number;
  readonly actionBurst: number;
  /** Token bucket per user for presence and typing frames (docs/protocol.md): refilled per minute, burst. */
  readonly ephemeralPerMinute: number;
  readonly ephemeralBurst: number;
  /** Open WebSocket connections from one IP address to this tenant. */
  readonly connectionsPerIp: number;
  /**
   * Longest a `user-token` keeps a connection signed in, in seconds, whatever
   * its `exp` says: counted from its `iat`, or from when it was presented.
   * Unset: the token's `exp` alone decides.
   */
  readonly maxTokenLifetimeSeconds?: number;
}

export interface Tenant {
  readonly id: string;
  /** Exact origins (`https://a.example`), `scheme://host:*` (any port), `https://*.example.com`, or `*`. */
  readonly origins: readonly string[];
  /** HS256 key of the `user-token` JWTs; without one, SSO tokens are refused. */
  readonly ssoSecret?: string;
  /** Bearer key of the tenant's HTTP API (usage); without one, the API answers 403. */
  readonly apiKey?: string;
  readonly guests: GuestPolicy;
  readonly limits: TenantLimits;
  /**
   * Who is viewing an image and who is typing (default on). `false`: the server sends neither,
   * and ignores the `presence` and `typing` frames widgets send.
   */
  readonly presence?: boolean;
}

export const DEFAULT_LIMITS: TenantLimits = {
  maxTextChars: MAX_TEXT_CHARS,
  maxChatsPerImage: 500,
  maxCommentsPerChat: 500,
  actionsPerMinute: 120,
  actionBurst: 60,
  ephemeralPerMinute: 120,
  ephemeralBurst: 30,
  connectionsPerIp: 100,
};

/** The demo tenant `npm start` serves with no set-up: any port on this machine, over http or https. */
export const DEMO_TENANT: Tenant = {
  id: 'demo',
  origins: ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*', 'https://localhost:*', 'https://127.0.0.1:*', 'https://[::1]:*'],
  guests: 'post',
  limits: DEFAULT_LIMITS,
};

export class Tenants {
  private readonly byId: ReadonlyMap<string, Tenant>;

  /** `unconfigured`: the demo tenant served because none is configured (it then gets an API key: src/server/demo-key.ts). */
  constructor(
    tenants: readonly Tenant[],
    readonly unconfigured = false,
  ) {
    this.byId = new Map(tenants.map((t) => [t.id, t]));
  }

  /** Only the demo tenant: what `npm start` and tests get by default; with `apiKey`, its API key. */
  static demo(apiKey?: string): Tenants {
    return new Tenants([apiKey === undefined ? DEMO_TENANT : { ...DEMO_TENANT, apiKey }], true);
  }

  get(id: string): Tenant | undefined {
    return this.byId.get(id);
  }

  get ids(): string[] {
    return [...this.byId.keys()];
  }
}

/**
 * May a browser page at `origin` use this tenant? A request without an Origin
 * header is not from a browser page (a server, curl): it is let through, since
 * such a client could send any Origin it liked anyway; origins stop *other
 * sites' pages* from using the tenant in their visitors' browsers.
 */
export function originAllowed(tenant: Tenant, origin: string | undefined): boolean {
  if (origin === undefined) return true;
  const o = origin.toLowerCase();
  return tenant.origins.some((pattern) => matchOrigin(pattern.toLowerCase(), o));
}

function matchOrigin(pattern: string, origin: string): boolean {
  if (pattern === '*') return true;
  if (pattern === origin) return true;
  if (pattern.endsWith(':*')) {
    // scheme://host:* — that host on any port (or the default one).
    const base = pattern.slice(0, -2);
    return origin === base || (origin.startsWith(base + ':') && /^\d{1,5}$/.test(origin.slice(base.length + 1)));
  }
  const wild = /^([a-z]+:\/\/)\*\.(.+)$/.exec(pattern);
  if (wild) {
    // scheme://*.example.com — any subdomain, never example.com-evil.org.
    const [, scheme, rest] = wild;
    return origin.startsWith(scheme!) && origin.endsWith('.' + rest!) && !origin.slice(scheme!.length, -rest!.length - 1).includes('/');
  }
  return false;
}

/**
 * Which tabs share a socket, and the names they meet under: the shared key
 * (server and tenant, read-only flag, signed-in user), the BroadcastChannel's
 * and the leader lock's names. Apart from the tab protocol (tab-protocol.ts),
 * which only a tab that shares with another loads: every page needs these.
 */

/** FNV-1a: a short, stable tag for a token in channel and lock names (not a secret: both are origin-private). */
export function tag(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/**
 * The `sub` claim of a JWT, read without verifying it (only the server can):
 * which user a token is for, so a fresh token for the same user keeps the
 * connection. Undefined for anything that does not decode, no token included.
 */
export function tokenSubject(token: string | undefined): string | undefined {
  try {
    // base64url without padding, which atob takes once the alphabet is base64's.
    const base64 = token!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const { sub } = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)))) as { sub?: unknown };
    return typeof sub === 'string' ? sub || undefined : undefined;
  } catch {
    return undefined;
  }
}

/** Are two tokens for the same user (as far as the browser can tell before the server checks)? */
export function sameSubject(a: string | undefined, b: string | undefined): boolean {
  const sub = tokenSubject(a);
  return !!sub && sub === tokenSubject(b);
}

/**
 * Tabs share a socket only when it would be the same socket: same URL (server
 * and tenant), same read-only flag, same signed-in user. Keyed by the token's
 * subject, not the token: a fresh token for the same user renews the sign-in
 * on the socket already open (a token that does not decode is its own key).
 * The guest token is shared through localStorage anyway, so guests in every
 * tab are one user.
 */
export function sharedKey(url: string, options: { readonly readonly?: boolean; readonly token?: string }): string {
  const sub = tokenSubject(options.token);
  const user = options.token ? `#user-${tag(sub ? `sub:${sub}` : `token:${options.token}`)}` : '';
  return `${url}${options.readonly ? '#readonly' : ''}${user}`;
}

export const channelName = (key: string) => `image-chat:${key}`;
export const leaderLockName = (key: string) => `image-chat:leader:${key}`;

/**
 * The page's connections, one per shared key (server and tenant, read-only
 * flag, signed-in user: the SSO token's subject), reference-counted by the elements that use them. Where
 * the browser has BroadcastChannel and Web Locks, a connection is the tab's
 * side of the browser's one shared socket (tab-connection.ts); where either
 * is missing, this page keeps a socket of its own (connection.ts), as every
 * page did before tabs shared.
 */
import { Connection } from './connection.ts';
import { sharedKey } from './shared-key.ts';
import { TabConnection } from './tab-connection.ts';
import { socketUrl, type ChannelLike, type ChatConnection, type ConnectionOptions, type LocksLike } from './types.ts';

const registry = new Map<string, ChatConnection>();

const browserChannels = (name: string): ChannelLike => new BroadcastChannel(name);

/**
 * The page's connection for (server, tenant) and this identity, made on
 * first use and shared; call `release()` once per acquire — the last release
 * closes it. The first caller's other options (e.g. the guest name) win; across
 * tabs, the leader tab's.
 */
export function acquireConnection(server: string, tenant: string, options: ConnectionOptions = {}): ChatConnection {
  const url = socketUrl(server, tenant);
  // Read-only and signed-in connections are their own; all keep the same guest token.
  const guestKey = `image-chat:guest:${url}`;
  const key = sharedKey(url, options);
  let connection = registry.get(key);
  if (!connection) {
    const channels = options.channels !== undefined ? options.channels : globalThis.BroadcastChannel && browserChannels;
    // Web Locks exist only in secure contexts (https, localhost): elsewhere every tab keeps its own socket.
    const locks = options.locks !== undefined ? options.locks : (globalThis.navigator?.locks as LocksLike | undefined);
    const made: ChatConnection = channels && locks ? new TabConnection(url, guestKey, key, options, channels, locks) : new Connection(url, guestKey, options);
    made.onClosed = () => {
      if (registry.get(key) === made) registry.delete(key);
    };
    registry.set(key, made);
    connection = made;
  } else if (options.token) {
    // Same user, maybe a fresher token than the one the connection holds.
    connection.renew(options.token);
  }
  return connection.retain();
}

/** How many shared connections this page has open (for tests and diagnostics). */
export function openConnectionCount(): number {
  return registry.size;
}

/**
 * Where the signed-in tenant and key live: sessionStorage only, so the key is
 * gone when the tab closes, is never shared with other tabs or written to
 * disk by localStorage, and never appears in the URL or the history.
 */
import type { Credentials } from './api.ts';

const KEY = 'image-chat-dashboard:session';

function storage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    // Storage blocked (sandboxed frame, privacy settings): sign-in lasts as long as the page.
    return undefined;
  }
}

export function loadSession(): Credentials | undefined {
  try {
    const value = JSON.parse(storage()?.getItem(KEY) ?? 'null') as Partial<Credentials> | null;
    if (typeof value?.tenant === 'string' && typeof value.key === 'string') return { tenant: value.tenant, key: value.key };
  } catch {
    // A value we did not write: ignored, as if signed out.
  }
  return undefined;
}

export function saveSession(credentials: Credentials): void {
  try {
    storage()?.setItem(KEY, JSON.stringify({ tenant: credentials.tenant, key: credentials.key }));
  } catch {
    // Quota or blocked: the page keeps the sign-in in memory.
  }
}

export function clearSession(): void {
  try {
    storage()?.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
}

/** Helpers for the dashboard's element tests (not part of any bundle). */
import { testServer } from './widget.ts';

/** The tenant with an API key on the wtr test server (scripts/wtr-test-server.mjs). */
export const DASHBOARD_TENANT = 'dash-test';
/** WTR_DASHBOARD_KEY in scripts/wtr-test-server.mjs (test only, never a real one). */
export const DASHBOARD_KEY = 'wtr-dashboard-key-0123456789abcdef';

export { testServer };

/** A local URL nothing answers on: what "the server cannot be reached" looks like. */
export async function closedServer(): Promise<string> {
  const info = (await (await fetch('/__test-server.json')).json()) as { closedUrl?: string };
  if (!info.closedUrl) throw new Error('the test server reported no closed URL');
  return info.closedUrl;
}

/** The API's answer, read straight (to compare what the dashboard shows with it). */
export async function apiGet<T>(url: string, path: string, tenant = DASHBOARD_TENANT, key = DASHBOARD_KEY): Promise<T> {
  const res = await fetch(`${url}/api/v1/tenants/${tenant}/${path}`, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * A guest on a raw browser WebSocket: `creates` conversations on `image`, then `replies`
 * replies to the first; resolves with the conversation ids once every action is acked.
 */
export async function traffic(url: string, image: string, creates: number, replies: number, tenant = DASHBOARD_TENANT): Promise<string[]> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?tenant=${tenant}`);
  const inbox: Record<string, unknown>[] = [];
  let wake: (() => void) | undefined;
  ws.onmessage = (e) => {
    inbox.push(...[JSON.parse(String(e.data))].flat());
    wake?.();
  };
  const take = async (match: (m: Record<string, unknown>) => boolean) => {
    for (;;) {
      const i = inbox.findIndex(match);
      if (i >= 0) return inbox.splice(i, 1)[0]!;
      if (ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed; inbox ${JSON.stringify(inbox).slice(0, 300)}`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  const act = async (action: Record<string, unknown>) => {
    const broadcastId = crypto.randomUUID();
    ws.send(JSON.stringify({ ...action, broadcastId }));
    const answer = await take((m) => m.broadcastId === broadcastId && (m.type === 'ack' || m.type === 'error'));
    if (answer.type !== 'ack') throw new Error(`refused: ${JSON.stringify(answer)}`);
    return answer as { chat?: { id: string } };
  };
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error('the socket did not open'));
  });
  try {
    ws.send(JSON.stringify({ type: 'hello', name: 'Traffic' }));
    await take((m) => m.type === 'welcome');
    const ids: string[] = [];
    for (let i = 0; i < creates; i++) {
      const ack = await act({ type: 'create-image-chat', image, x: 0.1 + (0.8 * i) / Math.max(1, creates), y: 0.5, text: `conversation ${i + 1}` });
      ids.push(ack.chat!.id);
    }
    for (let i = 0; i < replies; i++) {
      await act({ type: 'update-image-chat', image, chatId: ids[0], change: { kind: 'add-comment', text: `reply ${i + 1}` } });
    }
    return ids;
  } finally {
    ws.close();
  }
}

/** Every element matching `selector` under `root`, looking inside open shadow roots too. */
export function deepQueryAll<T extends Element = HTMLElement>(root: Element | ShadowRoot | Document, selector: string): T[] {
  const found: T[] = [...root.querySelectorAll<T>(selector)];
  if (root instanceof Element && root.shadowRoot) found.push(...deepQueryAll<T>(root.shadowRoot, selector));
  for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...deepQueryAll<T>(el.shadowRoot, selector));
  return found;
}

export function deepQuery<T extends Element = HTMLElement>(root: Element | ShadowRoot | Document, selector: string): T | undefined {
  return deepQueryAll<T>(root, selector)[0];
}

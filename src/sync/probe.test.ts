// The socket probe against the real test server: a refusal for good comes with the server's reason,
// so a connection refused before its socket opened can say why in the reader's language.
import { expect, waitUntil } from '@open-wc/testing';
import { Connection } from './connection.ts';
import { fetchProbe } from './probe.ts';
import { socketUrl } from './types.ts';
import { FakePage } from '../../test/support/fake-page.ts';
import { testServer } from '../../test/support/widget.ts';

describe('fetchProbe', () => {
  it('an unknown tenant is refused with its reason and code; a known one is ok', async () => {
    const server = await testServer();
    const signal = new AbortController().signal;
    const refused = await fetchProbe(socketUrl(server, 'no-such-tenant'), signal);
    expect(refused).to.deep.equal({
      kind: 'refused',
      reason: 'There is no tenant "no-such-tenant" on this server: check the tenant attribute.',
      refusal: { code: 'not-found', reason: 'unknown-tenant' },
    });
    expect(await fetchProbe(socketUrl(server, 'demo'), signal)).to.deep.equal({ kind: 'ok' });
  });

  it('a connection to an unknown tenant ends offline for good, its state carrying the refusal', async () => {
    const server = await testServer();
    const conn = new Connection(socketUrl(server, 'no-such-tenant'), 'probe-test-guest', { storage: null, heartbeat: 0, online: true, page: new FakePage(true), random: () => 0 });
    try {
      await waitUntil(() => conn.state.status === 'offline' && !conn.state.retry, 'the refusal was not learnt', { timeout: 4000 });
      expect(conn.state).to.deep.include({ refusal: { code: 'not-found', reason: 'unknown-tenant' } });
    } finally {
      conn.close();
    }
  });
});

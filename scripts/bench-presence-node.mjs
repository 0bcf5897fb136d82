// A server in its own process for scripts/bench-presence.mjs: `node --import tsx
// scripts/bench-presence-node.mjs <database file> <coalesceMs>` with an IPC channel. Tenant `bench`
// has limits that never stand in the way. Answers 'cpu' with this process's CPU time so far (µs)
// and 'close' by closing and exiting.
import { startServer } from '../src/server/app.ts';
import { DEFAULT_LIMITS, Tenants } from '../src/core/tenants.ts';

const [file, coalesceMs] = process.argv.slice(2);
const limits = { ...DEFAULT_LIMITS, connectionsPerIp: 1_000_000, ephemeralPerMinute: 1_000_000, ephemeralBurst: 1_000_000 };
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  databaseUrl: file,
  tenants: new Tenants([{ id: 'bench', origins: ['*'], guests: 'post', limits }]),
  presence: { coalesceMs: Number(coalesceMs) },
  usage: { counting: false },
});
process.on('message', async (m) => {
  if (m === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ cpu: user + system });
  } else if (m === 'close') {
    await server.close();
    process.exit(0);
  }
});
process.send({ url: server.url });

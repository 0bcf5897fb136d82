// A server in its own process for scripts/bench-usage.mjs: `node --import tsx
// scripts/bench-usage-node.mjs <database file> on|off` with an IPC channel. Usage counting is
// on or off (the core option); tenant `bench` has limits that never stand in the way. Answers
// 'cpu' with this process's CPU time so far (µs) and 'close' by closing and exiting.
import { startServer } from '../src/server/app.ts';
import { DEFAULT_LIMITS, Tenants } from '../src/core/tenants.ts';

const [file, counting] = process.argv.slice(2);
const limits = { ...DEFAULT_LIMITS, connectionsPerIp: 1_000_000, actionsPerMinute: 1_000_000, actionBurst: 1_000_000, maxChatsPerImage: 1_000_000 };
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  databaseUrl: file,
  tenants: new Tenants([{ id: 'bench', origins: ['*'], guests: 'post', limits }]),
  usage: { counting: counting === 'on' },
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

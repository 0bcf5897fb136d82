// The peer of the many-node benchmark (scripts/bench-cluster.mjs): one Socket.IO 4 node with
// @socket.io/redis-adapter, doing what an image-chat node does for a create minus the store: a
// client joins an image's room; a create is broadcast to the room on every node, then acked.
// Env: REDIS_URL, SIO_KEY (the adapter's channel prefix), SIO_NAME (names its Redis connections).
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';

const { REDIS_URL, SIO_KEY, SIO_NAME } = process.env;
// ioredis defaults, as a Socket.IO deployment has them: reconnect and resubscribe by themselves.
const pub = new Redis(REDIS_URL, { connectionName: `${SIO_NAME}:pub` });
const sub = new Redis(REDIS_URL, { connectionName: `${SIO_NAME}:sub` });
for (const c of [pub, sub]) c.on('error', () => {});
const http = createServer();
const io = new Server(http, { transports: ['websocket'], adapter: createAdapter(pub, sub, { key: SIO_KEY }) });
io.on('connection', (socket) => {
  socket.on('subscribe', (image, ack) => {
    socket.join(image);
    ack?.();
  });
  socket.on('create', (event, ack) => {
    io.to(event.image).emit('new-image-chat', event);
    ack?.();
  });
});
http.listen(0, '127.0.0.1', () => console.log(`socket.io listening on ${http.address().port}`));
process.on('SIGTERM', () => process.exit(0));

// A page host on its own origin (port 0) for browser tests: files from a folder (a built app's dist/),
// plus fixed answers by path. Pages must come from a real local server: Chromium blocks a page that
// Playwright's page.route made up from reaching 127.0.0.1 (local network access checks).
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

export async function staticServer(options: { dir?: string; routes?: Record<string, string> }): Promise<StaticServer> {
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const fixed = options.routes?.[path];
    const type = TYPES[extname(path === '/' ? '/index.html' : path)] ?? 'application/octet-stream';
    if (fixed !== undefined) return res.writeHead(200, { 'content-type': type }).end(fixed);
    if (path === '/favicon.ico') return res.writeHead(204).end(); // not a 404 in the page's console
    if (!options.dir) return res.writeHead(404).end();
    const file = join(options.dir, normalize(path === '/' ? '/index.html' : path).replace(/^(\.\.[/\\])+/, ''));
    try {
      res.writeHead(200, { 'content-type': type }).end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

// The npm package as an app developer gets it: `npm pack` of this repository (from a copy of the working
// tree, so packing's builds and its package.json swap never touch the checkout other tests run from), then
// fresh apps in a temporary folder that install the tarball from the registry's side (their own vite,
// React, TypeScript), type-check against its .d.ts and build.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a command, resolving with its output; rejects with the tail of it when it fails. */
export function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} in ${cwd} failed (${code}):\n${out.trim().split('\n').slice(-30).join('\n')}`)),
    );
  });
}

/** `npm pack` of the working tree (tracked and new files, as git sees them); returns the tarball's path. */
export async function packTarball(work: string): Promise<string> {
  const copy = join(work, 'image-chat');
  const listed = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root);
  for (const file of listed.split('\0').filter(Boolean)) {
    try {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      copyFileSync(join(root, file), join(copy, file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // deleted in the working tree, not yet in git
    }
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  await run('npm', ['pack', '--pack-destination', work], copy);
  const tarball = readdirSync(work).find((f) => /^image-chat-.*\.tgz$/.test(f));
  if (!tarball) throw new Error(`npm pack left no tarball in ${work}`);
  return join(work, tarball);
}

export type AppKind = 'vite' | 'react';

const TSCONFIG = (jsx: boolean) =>
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'bundler',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      strict: true,
      noEmit: true,
      // The package's .d.ts files are checked too, not skipped.
      skipLibCheck: false,
      types: [],
      ...(jsx ? { jsx: 'react-jsx' } : {}),
    },
    include: ['src'],
  });

const INDEX_HTML = (entry: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>app</title></head>
<body><main id="app"></main><script type="module" src="/src/${entry}"></script></body></html>\n`;

// A plain Vite + TypeScript app: the element from `import 'image-chat'`, typed through HTMLElementTagNameMap
// and the event map (`e.detail.chat.id` would not compile otherwise).
const VITE_MAIN = `import 'image-chat';
import type { ImageChat } from 'image-chat';

const params = new URLSearchParams(location.search);
const el: ImageChat = document.createElement('image-chat');
el.server = params.get('server')!;
el.tenant = 'demo';
el.imageId = params.get('image')!;
el.src = '/mockup.svg';
el.alt = 'Mockup';
el.style.width = '600px';
const created = document.createElement('output');
created.id = 'created';
el.addEventListener('image-chat-created', (e) => {
  created.textContent = [created.textContent, e.detail.chat.id].filter(Boolean).join(',');
});
document.querySelector('#app')!.append(el, created);
`;

// A React 19 app: <image-chat> in JSX with typed attributes and an \`on<event>\` listener, as React 19 passes them.
const REACT_MAIN = `import { StrictMode, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import 'image-chat/react';
import type { ImageChat } from 'image-chat';

const params = new URLSearchParams(location.search);

function App() {
  const ref = useRef<ImageChat>(null);
  const [created, setCreated] = useState<string[]>([]);
  return (
    <>
      <image-chat
        ref={ref}
        server={params.get('server')!}
        tenant="demo"
        image-id={params.get('image')!}
        src="/mockup.svg"
        alt="Mockup"
        theme="light"
        style={{ width: 600 }}
        onimage-chat-created={(e) => setCreated((c) => [...c, e.detail.chat.id])}
      />
      <output id="created">{created.join(',')}</output>
    </>
  );
}

// The typings are checked: a theme that does not exist and a detail field that does not exist do not compile.
// @ts-expect-error theme is 'light' | 'dark' | 'auto'
export const wrongTheme = <image-chat theme="purple" />;
// @ts-expect-error the created event's detail has no 'nope'
export const wrongDetail = <image-chat onimage-chat-created={(e) => e.detail.nope} />;

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
`;

/** Writes a fresh app of `kind` that depends on `tarball`, installs it and builds it; returns its dist folder. */
export async function buildApp(work: string, kind: AppKind, tarball: string): Promise<string> {
  const dir = join(work, `${kind}-app`);
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'public'), { recursive: true });
  copyFileSync(join(root, 'demo', 'checkout.svg'), join(dir, 'public', 'mockup.svg'));
  const react = kind === 'react';
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: `${kind}-app`,
      private: true,
      type: 'module',
      scripts: { build: 'tsc -p . && vite build' },
      dependencies: { 'image-chat': `file:${tarball}`, ...(react ? { react: '^19.0.0', 'react-dom': '^19.0.0' } : {}) },
      devDependencies: {
        vite: '^8.0.0',
        typescript: '^5.9.0',
        ...(react ? { '@vitejs/plugin-react': '^6.0.0', '@types/react': '^19.0.0', '@types/react-dom': '^19.0.0' } : {}),
      },
    }),
  );
  writeFileSync(join(dir, 'tsconfig.json'), TSCONFIG(react));
  writeFileSync(join(dir, 'index.html'), INDEX_HTML(react ? 'main.tsx' : 'main.ts'));
  writeFileSync(join(dir, 'src', react ? 'main.tsx' : 'main.ts'), react ? REACT_MAIN : VITE_MAIN);
  if (react) writeFileSync(join(dir, 'vite.config.js'), "import react from '@vitejs/plugin-react';\nexport default { plugins: [react()] };\n");
  // --prefer-offline: what this machine already fetched comes from npm's cache.
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], dir);
  await run('npm', ['run', 'build'], dir);
  return join(dir, 'dist');
}

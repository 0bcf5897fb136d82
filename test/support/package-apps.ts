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

export type AppKind = 'vite' | 'react' | 'vue' | 'svelte';

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

// Vue: the element in a template (Vue is told it is a custom element), a property binding and a listener, as in
// docs/frameworks.md.
const VUE_APP = `<script setup lang="ts">
import 'image-chat';
import { ref } from 'vue';

const params = new URLSearchParams(location.search);
const server = params.get('server')!;
const image = params.get('image')!;
const created = ref<string[]>([]);
const onCreated = (e: CustomEvent) => created.value.push(e.detail.chat.id);
</script>

<template>
  <image-chat :server="server" tenant="demo" :image-id="image" src="/mockup.svg" alt="Mockup" style="width: 600px"
    @image-chat-created="onCreated"></image-chat>
  <output id="created">{{ created.join(',') }}</output>
</template>
`;

// Svelte 5: the element in markup, its attributes and an \`on<event>\` attribute, as in docs/frameworks.md.
const SVELTE_APP = `<script lang="ts">
  import 'image-chat';

  const params = new URLSearchParams(location.search);
  const server = params.get('server')!;
  const image = params.get('image')!;
  let created: string[] = $state([]);
</script>

<image-chat {server} tenant="demo" image-id={image} src="/mockup.svg" alt="Mockup" style="width: 600px"
  onimage-chat-created={(e: CustomEvent) => created.push(e.detail.chat.id)}></image-chat>
<output id="created">{created.join(',')}</output>
`;

interface AppSpec {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  /** Type-checked with tsc before the build (the Vue and Svelte apps only build). */
  typecheck: boolean;
  files: Record<string, string>;
}

const APPS: Record<AppKind, AppSpec> = {
  vite: { dependencies: {}, devDependencies: {}, typecheck: true, files: { 'src/main.ts': VITE_MAIN } },
  react: {
    dependencies: { react: '^19.0.0', 'react-dom': '^19.0.0' },
    devDependencies: { '@vitejs/plugin-react': '^6.0.0', '@types/react': '^19.0.0', '@types/react-dom': '^19.0.0' },
    typecheck: true,
    files: {
      'src/main.tsx': REACT_MAIN,
      'vite.config.js': "import react from '@vitejs/plugin-react';\nexport default { plugins: [react()] };\n",
    },
  },
  vue: {
    dependencies: { vue: '^3.5.0' },
    devDependencies: { '@vitejs/plugin-vue': '^6.0.0' },
    typecheck: false,
    files: {
      'src/main.ts': "import { createApp } from 'vue';\nimport App from './App.vue';\ncreateApp(App).mount('#app');\n",
      'src/App.vue': VUE_APP,
      'vite.config.js':
        "import vue from '@vitejs/plugin-vue';\n" +
        "export default { plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'image-chat' } } })] };\n",
    },
  },
  svelte: {
    dependencies: {},
    devDependencies: { svelte: '^5.0.0', '@sveltejs/vite-plugin-svelte': '^7.0.0' },
    typecheck: false,
    files: {
      'src/main.ts': "import { mount } from 'svelte';\nimport App from './App.svelte';\nmount(App, { target: document.getElementById('app')! });\n",
      'src/App.svelte': SVELTE_APP,
      'vite.config.js': "import { svelte } from '@sveltejs/vite-plugin-svelte';\nexport default { plugins: [svelte()] };\n",
    },
  },
};

/** Writes a fresh app of `kind` that depends on `tarball`, installs it and builds it; returns its dist folder. */
export async function buildApp(work: string, kind: AppKind, tarball: string): Promise<string> {
  const dir = join(work, `${kind}-app`);
  const app = APPS[kind];
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'public'), { recursive: true });
  copyFileSync(join(root, 'demo', 'checkout.svg'), join(dir, 'public', 'mockup.svg'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: `${kind}-app`,
      private: true,
      type: 'module',
      scripts: { build: app.typecheck ? 'tsc -p . && vite build' : 'vite build' },
      dependencies: { 'image-chat': `file:${tarball}`, ...app.dependencies },
      devDependencies: { vite: '^8.0.0', typescript: '^5.9.0', ...app.devDependencies },
    }),
  );
  writeFileSync(join(dir, 'tsconfig.json'), TSCONFIG(kind === 'react'));
  const entry = Object.keys(app.files).find((f) => /^src\/main\./.test(f))!;
  writeFileSync(join(dir, 'index.html'), INDEX_HTML(entry.slice('src/'.length)));
  for (const [file, text] of Object.entries(app.files)) writeFileSync(join(dir, file), text);
  // --prefer-offline: what this machine already fetched comes from npm's cache.
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], dir);
  await run('npm', ['run', 'build'], dir);
  return join(dir, 'dist');
}

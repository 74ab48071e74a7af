import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY } from './src/shared/contentSecurityPolicy';

/** The dev server's page gets the dev-only policy; the built page keeps the strict one it is written with. */
const devContentSecurityPolicy = (): Plugin => ({
  name: 'dev-content-security-policy',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace(/content="default-src[^"]*"/, `content="${DEV_CONTENT_SECURITY_POLICY}"`),
});

// The page's meta tag must say what the header says (less frame-ancestors, which a meta tag cannot carry); the build fails if they drift apart.
const META_POLICY = CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", '');
const checkContentSecurityPolicy = (): Plugin => ({
  name: 'check-content-security-policy',
  apply: 'build',
  transformIndexHtml: (html) => {
    if (!html.includes(`content="${META_POLICY}"`))
      throw new Error('src/renderer/index.html must carry CONTENT_SECURITY_POLICY in its meta tag');
    return html;
  },
});

export default defineConfig({
  main: {
    build: {
      // As for the command line (vite.cli.config.ts): zod's hundred-odd modules, found and linked one by one, cost the
      // main process and the demo's database thread a tenth of a second each at start; compiled in, they cost a chunk.
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          // The demo's database runs on a thread of its own, which loads this entry (databaseWorkerHost.ts finds it).
          demoDatabaseWorker: resolve(import.meta.dirname, 'src/main/demo/demoDatabaseWorker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload must be one self-contained CommonJS file: nothing from
      // node_modules may stay external, and an .mjs preload is refused.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    build: {
      // The page's code, minified: a third of its size to parse on every window and tab.
      minify: true,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } },
    },
    plugins: [react(), devContentSecurityPolicy(), checkContentSecurityPolicy()],
  },
});

import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import packageJson from './package.json' with { type: 'json' };

/**
 * The command line, compiled: `out/cli/index.js` and a chunk per command,
 * loaded only when that command runs, and `out/cli/demoDatabaseWorker.js`,
 * the demo's database thread. Dependencies stay in node_modules, as
 * for the desktop app's main process, so PGlite finds its WebAssembly there;
 * all but zod, which every command loads, and whose hundred-odd modules took
 * a fifth of a `status`'s start-up to find and link one by one. Compiled in,
 * it is one chunk with what the commands use of it.
 */
const COMPILED_IN = ['zod'];
const external = [
  ...builtinModules,
  ...builtinModules.map((name) => `node:${name}`),
  ...Object.keys(packageJson.dependencies).filter((name) => !COMPILED_IN.includes(name)),
];

export default defineConfig({
  ssr: { noExternal: COMPILED_IN },
  build: {
    ssr: true,
    outDir: resolve(import.meta.dirname, 'out/cli'),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: false,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, 'src/main/cli/index.ts'),
        // The demo's database runs on a thread of its own, which loads this entry (databaseWorkerHost.ts finds it).
        demoDatabaseWorker: resolve(import.meta.dirname, 'src/main/demo/demoDatabaseWorker.ts'),
      },
      external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
  logLevel: 'warn',
});

import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettierOff from 'eslint-config-prettier/flat';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const IO_MODULES = [
  'electron',
  'pg',
  'ioredis',
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'net',
  'node:net',
  'http',
  'node:http',
  'child_process',
  'node:child_process',
];

/**
 * The layers, lowest first, and what each may import: the "may import" column
 * of docs/architecture.md. Anything else in src/ is refused, so no arrow runs
 * back up and no layer reaches sideways.
 */
const LAYERS = {
  shared: { path: 'src/shared', may: [] },
  core: { path: 'src/main/core', may: ['shared'] },
  config: { paths: ['src/main/config.ts', 'src/main/configVariables.ts'], may: ['shared', 'core'] },
  sources: { path: 'src/main/sources', may: ['shared', 'core', 'config'] },
  simulator: { path: 'src/main/simulator', may: ['shared', 'core', 'config', 'sources'] },
  demo: { path: 'src/main/demo', may: ['shared', 'core', 'config', 'sources', 'simulator'] },
  export: { path: 'src/main/export', may: ['shared', 'core', 'config', 'sources'] },
  monitor: { path: 'src/main/monitor', may: ['shared', 'core', 'config', 'sources', 'demo', 'export'] },
  web: { path: 'src/main/web', may: ['shared', 'core', 'monitor', 'export'] },
  desktop: { path: 'src/main/desktop', may: ['shared', 'core', 'config', 'sources', 'export', 'monitor'] },
  mcp: { path: 'src/main/mcp', may: ['shared', 'core', 'config', 'monitor', 'export'] },
  cli: {
    path: 'src/main/cli',
    may: ['shared', 'core', 'config', 'sources', 'simulator', 'demo', 'export', 'monitor', 'web', 'mcp'],
  },
  preload: { path: 'src/preload', may: ['shared'] },
  renderer: { path: 'src/renderer', may: ['shared'] },
};

/** A layer is one folder or file (`path`), or files beside others' that together make it (`paths`). */
const pathsOf = (layer) => layer.paths ?? [layer.path];

const layerZones = Object.entries(LAYERS).map(([name, layer]) => ({
  target: pathsOf(layer).map((path) => `./${path}`),
  from: [
    ...Object.entries(LAYERS)
      .filter(([other]) => other !== name && !layer.may.includes(other))
      .flatMap(([, other]) => pathsOf(other).map((path) => `./${path}`)),
    // The composition root imports everything; nothing imports it.
    './src/main/index.ts',
  ],
  message: `${pathsOf(layer).join(' and ')} may import only ${layer.may.join(', ') || 'itself'} (docs/architecture.md, "Folders").`,
}));

export default defineConfig(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', 'eslint.config.js'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['tsconfig.node.json', 'tsconfig.web.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...layerZones,
            // The desktop host's logic never touches Electron's edge, which sits above it.
            {
              target: './src/main/desktop/!(electron)/**',
              from: './src/main/desktop/electron',
              message: 'Only src/main/index.ts wires the Electron edge to the desktop host.',
            },
            {
              target: './src/main/desktop/*.ts',
              from: './src/main/desktop/electron',
              message: 'Only src/main/index.ts wires the Electron edge to the desktop host.',
            },
          ],
        },
      ],
      'import-x/no-cycle': 'error',
      'max-lines': ['error', { max: 300 }],
    },
  },
  // Later blocks win for the same rule, so the stricter core rule comes after this one.
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/main/desktop/electron/**', 'src/main/index.ts', 'src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only src/main/desktop/electron, src/main/index.ts and the preload import electron.',
            },
          ],
        },
      ],
    },
  },
  {
    // The engine loads the demo with import() when asked: PGlite and the simulator stay out of a monitor of a real ECHO.
    files: ['src/main/monitor/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only src/main/desktop/electron, src/main/index.ts and the preload import electron.',
            },
          ],
          patterns: [
            {
              group: ['**/demo/*'],
              allowTypeImports: true,
              message: 'Load the demo with import() only when it is asked for.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IO_MODULES.map((name) => ({
            name,
            message: 'src/main/core is pure: do I/O in src/main/sources or src/main/desktop/electron.',
          })),
        },
      ],
    },
  },
  {
    // Asymmetric matchers such as expect.any() are typed any by design.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: reactHooks.configs.recommended.rules,
  },
  // Last, so Prettier alone decides how code is laid out.
  prettierOff,
);

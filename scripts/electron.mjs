// `node scripts/electron.mjs [--build] [electron arguments]`: what `npm start`
// and `npm run demo` run. Electron's binary is not part of `npm install`:
// Electron fetches it on its first start. Where it is missing and cannot be
// fetched (no internet), Electron's own launcher ends in a stack trace and
// advice that needs the internet too; this says in one line what is missing
// and what works without it. Then, with --build, it builds the app, and it
// starts Electron with the arguments, passing on the signals a terminal sends.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const ELECTRON = dirname(require.resolve('electron/package.json'));
const ROOT = join(import.meta.dirname, '..');

const args = process.argv.slice(2);
const build = args[0] === '--build';
if (build) args.shift();

/**
 * A package's package.json.
 *
 * @param {string} dir
 * @returns {Record<string, unknown>}
 */
function packageJson(dir) {
  /** @type {unknown} */
  const value = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return typeof value === 'object' && value !== null ? /** @type {Record<string, unknown>} */ (value) : {};
}

/** The executable's path inside Electron's `dist`, as Electron's install.js names it. */
function platformPath() {
  const platform = process.env.ELECTRON_INSTALL_PLATFORM || process.env.npm_config_platform || process.platform;
  if (platform === 'darwin' || platform === 'mas') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

/** The binary Electron would run, if it is installed: its install.js's `isInstalled()`, with index.js's override. */
function installedBinary() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const binary = join(override, platformPath());
    return existsSync(binary) ? binary : null;
  }
  try {
    if (readFileSync(join(ELECTRON, 'dist', 'version'), 'utf8').replace(/^v/, '') !== packageJson(ELECTRON).version)
      return null;
    if (readFileSync(join(ELECTRON, 'path.txt'), 'utf8') !== platformPath()) return null;
  } catch {
    return null;
  }
  const binary = join(ELECTRON, 'dist', platformPath());
  return existsSync(binary) ? binary : null;
}

/** What Electron's launcher does on a first start: its install.js downloads the binary. Its output is kept; its reason for failing is returned. */
function download() {
  const slow = setTimeout(() => process.stderr.write("Downloading Electron's binary for its first start...\n"), 2000);
  const result = spawnSync(process.execPath, [join(ELECTRON, 'install.js')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  clearTimeout(slow);
  if (result.status === 0) return null;
  // install.js prints the error's stack: its first line is the reason.
  const first = result.stderr.split('\n').find((line) => line.trim() !== '');
  return first?.replace(/^\w*Error: /, '').trim() ?? result.error?.message ?? `exit ${String(result.status)}`;
}

let binary = installedBinary();
if (binary === null) {
  const failed = download();
  binary = installedBinary();
  if (binary === null) {
    const serve = args.includes('--demo') ? 'serve --demo' : 'serve';
    process.stderr.write(
      `Electron's binary is not installed here (node_modules/electron/dist) and could not be downloaded (${failed ?? 'nothing was installed'}), so the desktop app cannot start: ` +
        `\`npx delegator-monitor ${serve}\` (in a checkout, \`npm run cli -- ${serve}\`) shows the same dashboard in a browser.\n`,
    );
    process.exit(1);
  }
}

if (build) {
  const packageDir = dirname(require.resolve('electron-vite/package.json'));
  const bin = packageJson(packageDir).bin;
  const script =
    typeof bin === 'object' && bin !== null && 'electron-vite' in bin && typeof bin['electron-vite'] === 'string'
      ? bin['electron-vite']
      : 'bin/electron-vite.js';
  const built = spawnSync(process.execPath, [join(packageDir, script), 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const child = spawn(binary, args, { cwd: ROOT, stdio: 'inherit', windowsHide: false });
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGUSR2'])) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on('error', (error) => {
  process.stderr.write(`Electron could not start: ${error.message}\n`);
  process.exit(1);
});
child.on('close', (code, signal) => {
  process.exit(code ?? 128 + (signal === null ? 0 : os.constants.signals[signal]));
});

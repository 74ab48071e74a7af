/**
 * Renews docs/images/dashboard.png: starts `serve --demo` on a free loopback
 * port, opens the dashboard in headless Chromium, waits until it shows live
 * data and the chart has a few polls in it, saves the first screen, and
 * writes what that screen shows as the image's alt text in README.md (a
 * browser test checks the two stay in step: test/e2e/readmeScreenshot.test.ts).
 *
 *   npm run build                      # once: the dashboard that serve serves
 *   npx tsx scripts/screenshot.ts      # or: npm run screenshot
 *
 * Uses Debian's Chromium at /usr/bin/chromium; set CHROMIUM_PATH to use another.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { altText, readFirstScreen, SCREENSHOT_VIEWPORT, waitForDemoScreen, withAltText } from './firstScreen';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RENDERER_INDEX = join(ROOT, 'out', 'renderer', 'index.html');
const OUTPUT = join(ROOT, 'docs', 'images', 'dashboard.png');
const README = join(ROOT, 'README.md');
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const START_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 30_000;

type ServeProcess = ChildProcessByStdio<null, Readable, Readable>;

/** Starts the demo's web host on a free loopback port; resolves with its URL once it listens. */
function startServe(): { child: ServeProcess; url: Promise<string> } {
  // The compiled command line in this process (scripts/cli.mjs imports it), so a signal reaches serve itself.
  const child = spawn(
    process.execPath,
    [join(ROOT, 'scripts', 'cli.mjs'), 'serve', '--demo', '--port', '0', '--host', '127.0.0.1'],
    {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`serve --demo printed no URL within ${START_TIMEOUT_MS} ms; stderr: ${stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`serve --demo exited (${String(code ?? signal)}) before listening; stderr: ${stderr}`));
    });
  });
  return { child, url };
}

/** Sends SIGTERM to the child by its pid and waits for it to exit; SIGKILL after 10 s. */
async function stopServe(child: ServeProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  process.kill(pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

async function capture(url: string, browser: Browser): Promise<string> {
  const context = await browser.newContext({ viewport: SCREENSHOT_VIEWPORT, colorScheme: 'dark' });
  const page = await context.newPage();
  await page.goto(url);
  await waitForDemoScreen(page, READY_TIMEOUT_MS);
  mkdirSync(dirname(OUTPUT), { recursive: true });
  // The first screen only: what a newcomer sees when the app opens, small enough for the README.
  const alt = altText(await readFirstScreen(page));
  await page.screenshot({ path: OUTPUT });
  await context.close();
  return alt;
}

async function main(): Promise<void> {
  if (!existsSync(RENDERER_INDEX)) throw new Error('out/renderer/index.html is missing: run `npm run build` first');
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it (\`apt-get install chromium\`) or set CHROMIUM_PATH`,
    );
  const serve = startServe();
  let browser: Browser | null = null;
  try {
    const url = await serve.url;
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    const alt = await capture(url, browser);
    writeFileSync(README, withAltText(readFileSync(README, 'utf8'), alt));
    console.log(`Wrote docs/images/dashboard.png and its alt text in README.md: ${alt}`);
  } finally {
    await browser?.close();
    await stopServe(serve.child);
  }
}

try {
  await main();
} catch (error) {
  console.error(`screenshot: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}

/**
 * The built desktop app, run end to end without Electron's binary: the main
 * bundle (out/main/index.js) runs under Node with a stand-in `electron`
 * (test/desktop/standIn/), whose windows are pages of Debian's Chromium.
 * The test drives the same pages over CDP, and the tray, notifications,
 * dialogs and system events through the child's IPC channel.
 *
 * Never `exposeBinding` or `exposeFunction` on the app's pages from the test:
 * Playwright's bindings share one CDP binding name, so two clients would both
 * answer the page's calls.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve as resolvePath } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { CHROMIUM_PATH } from './browser';
import type {
  DesktopCommand,
  DesktopMessage,
  DesktopReplies,
  DesktopState,
  EmitTarget,
  Matcher,
  MenuItemState,
  StandInOptions,
} from './desktopProtocol';

const ROOT = new URL('../..', import.meta.url).pathname;
// The demo's database thread runs an entry of its own, built beside the main one.
const BUILT = [
  'out/main/index.js',
  'out/main/demoDatabaseWorker.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
];
const REGISTER = join(ROOT, 'test', 'desktop', 'standIn', 'register.ts');
const OUTPUT_KEPT = 64_000;

/** Why the built app cannot run, or null: the harness runs what `npm run build` made, never a stale guess. */
export function builtAppMissing(): string | null {
  const missing = BUILT.filter((path) => !existsSync(join(ROOT, path)));
  return missing.length === 0
    ? null
    : `run \`npm run build\` first: the desktop harness runs the built app, and ${missing.join(', ')} is missing`;
}

export interface DesktopAppOptions {
  /** The main script to run; the built app's by default. */
  readonly main?: string;
  /** After the main script; `--user-data-dir` is added. */
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Files in the user data folder before the app starts (`settings.json`, say), by name. */
  readonly userDataFiles?: Readonly<Record<string, string>>;
  /** Run in every window's page before its own scripts (see StandInOptions.pageScripts). */
  readonly pageScripts?: readonly string[];
  readonly standIn?: Partial<
    Pick<StandInOptions, 'singleInstanceLock' | 'darkTheme' | 'storageBackend' | 'encryptionAvailable'>
  >;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface DesktopApp {
  /** The temporary folder everything of this run lives in: user data, home, TMPDIR, Chromium's profile. */
  readonly root: string;
  readonly userDataDir: string;
  readonly homeDir: string;
  /** The dashboard window's page (the newest open window's), as the test's own Playwright sees it. */
  page(timeoutMs?: number): Promise<Page>;
  state(): Promise<DesktopState>;
  /** Polls the state until `pick` returns something (not null, undefined or false), and returns that. */
  until<T>(pick: (state: DesktopState) => T | null | undefined | false, timeoutMs?: number): Promise<T>;
  clickTray(...path: Matcher[]): Promise<void>;
  clickNotification(which?: {
    readonly title?: Matcher;
    readonly action?: number;
  }): Promise<DesktopReplies['clickNotification']>;
  /** Answers the open message box, or the next to open, with the button at `response`. */
  answerNextDialog(response: number, checkboxChecked?: boolean): Promise<void>;
  /** Answers the open save dialog, or the next to open; null cancels. */
  answerNextSaveDialog(filePath: string | null): Promise<void>;
  emit(target: EmitTarget, event: string, ...args: unknown[]): Promise<DesktopReplies['emit']>;
  /** The user launches the app again: the running one gets `second-instance`. */
  secondInstance(argv?: readonly string[]): Promise<void>;
  /** macOS's dock click: `activate`, with whether a window is visible. */
  activate(): Promise<void>;
  setTheme(dark: boolean): Promise<void>;
  /** The user clicks the close button of the window (the newest open one by default). */
  closeWindow(id?: number): Promise<DesktopReplies['closeWindow']>;
  gc(): Promise<void>;
  /** The system asks the app to quit; resolves with how the process ended, rejects if it did not within the time. */
  quit(timeoutMs?: number): Promise<Exit>;
  /** Resolves once the app's process has ended. */
  readonly exited: Promise<Exit>;
  /** How the process ended; rejects if it is still running after the time. */
  waitForExit(timeoutMs?: number): Promise<Exit>;
  /**
   * Pids of the demo's agents this run started that are still running: the
   * Erlang VMs (`beam.smp`), or Node stand-ins where Erlang is missing, whose
   * script is one of the demo's `<root>/apps/<role>/<role>` or
   * `<root>/agents/<role>/<role>`.
   */
  agentProcesses(): Promise<number[]>;
  /**
   * Pids of everything of this run's demo still running: its agents, at any stage of their start, and the reaper that
   * ends them.
   */
  demoProcesses(): Promise<number[]>;
  /** The app's stdout and stderr so far (the end of it), for failure messages. */
  output(): string;
  /**
   * Ends the app (SIGKILL), whatever of its demo is left (agents, reaper) and Chromium, and removes the temporary
   * folder.
   */
  close(): Promise<void>;
}

function timeout<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new Error(what()));
      }, ms);
    }),
  ]).finally(() => {
    clearTimeout(timer);
  });
}

const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** Headless Chromium with a loopback CDP port besides Playwright's pipe, so the app's process can attach too. */
async function launchChromium(profile: string): Promise<{ context: BrowserContext; endpoint: string }> {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    // The app's windows set their own size and colour scheme; the test's client must not override them.
    viewport: null,
    colorScheme: null,
    args: [
      ...[
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
      // Electron's file: scheme serves module scripts and crossorigin stylesheets to a file: page; Chromium's needs
      // telling.
      '--allow-file-access-from-files',
      '--remote-debugging-address=127.0.0.1',
      '--remote-debugging-port=0',
    ],
  });
  // Chromium writes the port it chose, and the browser target's path, into the profile.
  const portFile = join(profile, 'DevToolsActivePort');
  for (let tries = 0; !existsSync(portFile) && tries < 100; tries += 1) await delay(50);
  const [port, path] = readFileSync(portFile, 'utf8').trim().split('\n');
  if (!port || !path) throw new Error(`Chromium wrote no CDP endpoint into ${portFile}`);
  return { context, endpoint: `ws://127.0.0.1:${port}${path}` };
}

async function targetIdOf(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  try {
    return (await cdp.send('Target.getTargetInfo')).targetInfo.targetId;
  } finally {
    await cdp.detach();
  }
}

/** What Linux says of a live process (a zombie counts as gone: it runs nothing and cannot be signalled away). */
interface ProcessSeen {
  readonly pid: number;
  readonly comm: string;
  readonly argv: readonly string[];
  readonly cwd: string;
}

function processesSeen(): ProcessSeen[] {
  if (!existsSync('/proc')) return [];
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name): ProcessSeen[] => {
      const base = `/proc/${name}`;
      try {
        const stat = readFileSync(`${base}/stat`, 'utf8');
        if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') return [];
        return [
          {
            pid: Number(name),
            comm: readFileSync(`${base}/comm`, 'utf8').trim(),
            argv: readFileSync(`${base}/cmdline`, 'utf8').split('\0').slice(0, -1),
            cwd: readlinkSync(`${base}/cwd`),
          },
        ];
      } catch {
        // It ended meanwhile, or is not ours to read.
        return [];
      }
    });
}

/**
 * The script a demo agent runs, as the monitor reads it: the VM's plain
 * arguments (after `-extra`) start with it for an escript, the arguments after
 * Node's path for a stand-in; a relative path (`./cto`) is the working folder's.
 * Null for anything else: the reaper, or an agent still between its shebang and
 * its VM (`env`, `escript`, `erlexec`).
 */
function agentScriptOf(seen: ProcessSeen): string | null {
  let plain: readonly string[] = [];
  if (seen.comm === 'beam.smp') {
    const extra = seen.argv.indexOf('-extra');
    plain = extra < 0 ? [] : seen.argv.slice(extra + 1);
  } else if (seen.argv[0] !== undefined && basename(seen.argv[0]) === basename(process.execPath)) {
    plain = seen.argv.slice(1);
  }
  return plain[0] === undefined ? null : resolvePath(seen.cwd, plain[0]);
}

const running = new Set<ChildProcess>();
// Whatever happens to the test process, the app does not outlive it (Playwright sees to Chromium).
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startDesktopApp(options: DesktopAppOptions = {}): Promise<DesktopApp> {
  const problem = options.main === undefined ? builtAppMissing() : null;
  if (problem) throw new Error(problem);
  const main = options.main ?? join(ROOT, 'out', 'main', 'index.js');
  const root = mkdtempSync(join(tmpdir(), 'desktop-app-'));
  const userDataDir = join(root, 'user-data');
  const homeDir = join(root, 'home');
  // The app's TMPDIR: the demo's agents run from echo-simulator-* folders in it, which names them as this run's.
  const tmp = join(root, 'tmp');
  for (const dir of [userDataDir, join(homeDir, 'Downloads'), tmp]) mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(options.userDataFiles ?? {})) writeFileSync(join(userDataDir, name), text);

  let context: BrowserContext | null = null;
  let child: ChildProcess | null = null;
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT);
  };
  const tail = (): string =>
    output.trim() === '' ? '(the app printed nothing)' : `the app printed:\n${output.trim()}`;

  const close = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const ended = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGKILL');
      await ended;
    }
    // The demo's reaper sees the app's pipe close and ends its agents (SIGTERM, SIGKILL 3 s later), then itself;
    // whatever of the demo is still there after that is killed, by pid.
    for (let tries = 0; tries < 60 && (await demoProcesses()).length > 0; tries += 1) await delay(100);
    for (const pid of await demoProcesses()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // It ended meanwhile.
      }
    }
    await context?.close().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  };

  // The demo's ECHO roots: echo-simulator-* folders in the app's TMPDIR, which no other run shares.
  const demoRoot = `${tmp}/echo-simulator-`;
  const agentScript = /\/echo-simulator-[^/]+\/(?:apps|agents)\/([a-z0-9_]+)\/\1$/;
  const ofDemo = (seen: ProcessSeen): boolean =>
    seen.argv.some((arg) => arg.includes(demoRoot)) || seen.cwd.startsWith(demoRoot);
  const demoProcesses = (): Promise<number[]> =>
    Promise.resolve(
      processesSeen()
        .filter(ofDemo)
        .map((seen) => seen.pid),
    );
  const agentProcesses = (): Promise<number[]> =>
    Promise.resolve(
      processesSeen()
        .filter((seen) => {
          const script = agentScriptOf(seen);
          return script !== null && script.startsWith(demoRoot) && agentScript.test(script);
        })
        .map((seen) => seen.pid),
    );

  try {
    const chromiumSide = await launchChromium(join(root, 'chromium'));
    context = chromiumSide.context;
    const standIn: StandInOptions = {
      cdpEndpoint: chromiumSide.endpoint,
      appPath: ROOT,
      homeDir,
      pageScripts: options.pageScripts ?? [],
      singleInstanceLock: true,
      darkTheme: false,
      storageBackend: 'gnome_libsecret',
      encryptionAvailable: true,
      ...options.standIn,
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...options.env,
      TMPDIR: tmp,
      ELECTRON_STAND_IN: JSON.stringify(standIn),
    };
    // The test runner's loader flags are not the app's.
    delete env.NODE_OPTIONS;
    const started = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        '--import',
        REGISTER,
        main,
        ...(options.args ?? ['--demo']),
        `--user-data-dir=${userDataDir}`,
      ],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' },
    );
    child = started;
    running.add(started);
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    const exited = new Promise<Exit>((resolve) => {
      started.once('exit', (code, signal) => {
        running.delete(started);
        resolve({ code, signal });
      });
    });

    let lastId = 0;
    const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
    let onReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      onReady = resolve;
    });
    started.on('message', (message: DesktopMessage) => {
      if (message.kind === 'ready') {
        onReady();
        return;
      }
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) waiting?.resolve(message.value);
      else waiting?.reject(new Error(message.error));
    });
    void exited.then((exit) => {
      for (const waiting of pending.values())
        waiting.reject(new Error(`the app exited (${JSON.stringify(exit)}) before answering; ${tail()}`));
      pending.clear();
    });

    const request = <C extends DesktopCommand>(command: C): Promise<DesktopReplies[C['type']]> => {
      if (started.exitCode !== null || started.signalCode !== null || !started.connected)
        return Promise.reject(new Error(`the app is not running; ${tail()}`));
      const id = ++lastId;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        started.send({ id, command });
      });
    };

    await timeout(
      Promise.race([
        ready,
        exited.then((exit) =>
          Promise.reject(new Error(`the app exited (${JSON.stringify(exit)}) before it was ready; ${tail()}`)),
        ),
      ]),
      30_000,
      () => `the app was not ready within 30 s; ${tail()}`,
    );

    const pages = new Map<string, Page>();
    const browserContext = context;
    const findPage = async (targetId: string): Promise<Page | null> => {
      const known = pages.get(targetId);
      if (known && !known.isClosed()) return known;
      for (const page of browserContext.pages()) {
        if (page.isClosed()) continue;
        if ((await targetIdOf(page).catch(() => null)) === targetId) {
          pages.set(targetId, page);
          return page;
        }
      }
      return null;
    };
    const newestWindow = async () =>
      (await request({ type: 'state' })).windows.filter((window) => !window.destroyed).at(-1);

    const app: DesktopApp = {
      root,
      userDataDir,
      homeDir,
      exited,
      async page(timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const window = await newestWindow();
          const page = window?.targetId ? await findPage(window.targetId) : null;
          if (page) return page;
          if (Date.now() > deadline) throw new Error(`the app opened no window within ${timeoutMs} ms; ${tail()}`);
          await delay(100);
        }
      },
      state: () => request({ type: 'state' }),
      async until(pick, timeoutMs = 10_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const state = await request({ type: 'state' });
          const picked = pick(state);
          if (picked !== null && picked !== undefined && picked !== false) return picked;
          if (Date.now() > deadline)
            throw new Error(
              `the app's state did not come to ${pick.toString()} within ${timeoutMs} ms; it is ${JSON.stringify(state).slice(0, 2000)}`,
            );
          await delay(100);
        }
      },
      async clickTray(...path) {
        await request({ type: 'clickTray', path });
      },
      clickNotification: (which = {}) => request({ type: 'clickNotification', ...which }),
      async answerNextDialog(response, checkboxChecked) {
        await request({
          type: 'answerDialog',
          answer: { kind: 'messageBox', response, ...(checkboxChecked === undefined ? {} : { checkboxChecked }) },
        });
      },
      async answerNextSaveDialog(filePath) {
        await request({ type: 'answerDialog', answer: { kind: 'save', filePath } });
      },
      emit: (target, event, ...args) => request({ type: 'emit', target, event, args }),
      async secondInstance(argv = [process.execPath, main]) {
        await request({ type: 'emit', target: 'app', event: 'second-instance', args: [argv, ROOT, {}] });
      },
      async activate() {
        const { windows } = await request({ type: 'state' });
        await request({
          type: 'emit',
          target: 'app',
          event: 'activate',
          args: [windows.some((window) => window.visible)],
        });
      },
      async setTheme(dark) {
        await request({ type: 'setTheme', dark });
      },
      async closeWindow(id) {
        const window = id ?? (await newestWindow())?.id;
        if (window === undefined) throw new Error('the app has no open window to close');
        return request({ type: 'closeWindow', id: window });
      },
      async gc() {
        await request({ type: 'gc' });
      },
      waitForExit: (timeoutMs = 10_000) =>
        timeout(exited, timeoutMs, () => `the app did not exit within ${timeoutMs} ms; ${tail()}`),
      async quit(timeoutMs = 10_000) {
        await request({ type: 'quit' });
        return timeout(exited, timeoutMs, () => `the app did not exit within ${timeoutMs} ms of quitting; ${tail()}`);
      },
      agentProcesses,
      demoProcesses,
      output: () => output,
      close,
    };
    return app;
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * One app for the enclosing `describe`, started before its tests and always
 * ended after them, whatever they did: `const app = useDesktopApp(); ... app().page()`.
 */
export function useDesktopApp(options: DesktopAppOptions = {}): () => DesktopApp {
  let app: DesktopApp | null = null;
  beforeAll(async () => {
    app = await startDesktopApp(options);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  }, 30_000);
  return () => {
    if (!app) throw new Error('the desktop app did not start (see the beforeAll error)');
    return app;
  };
}

/**
 * The tray menu's agents: the submenus with a Stop control (a session's has End session instead), with the
 * name they use and a matcher for the submenu that survives its label's changing memory and uptime.
 */
export function agentSubmenus(menu: readonly MenuItemState[] | null): {
  readonly label: string;
  readonly name: string;
  readonly matcher: RegExp;
  readonly items: readonly MenuItemState[];
}[] {
  return (menu ?? []).flatMap((item) => {
    const stop = item.submenu?.find((inner) => /^Stop .+…$/.test(inner.label));
    if (!item.submenu || !stop) return [];
    // A role running twice has a Stop per copy, `Stop CTO (pid 4242)…`; the submenu is the role's.
    const name = stop.label.slice('Stop '.length, -1).replace(/ \(pid \d+\)$/, '');
    return [
      {
        label: item.label,
        name,
        matcher: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · `),
        items: item.submenu,
      },
    ];
  });
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Electron itself cannot start here; this stands in for the two classes the window code uses, recording what it is
 * given.
 */
const made = vi.hoisted(() => ({
  windows: [] as Array<{
    options: Record<string, unknown>;
    listeners: Map<string, (event: { preventDefault: () => void }) => void>;
    hidden: boolean;
    openHandler?: (details: { url: string }) => { action: string };
  }>,
  opened: [] as string[],
}));

vi.mock('electron', () => {
  class BrowserWindow {
    readonly record: (typeof made.windows)[number];
    readonly webContents: {
      id: number;
      setWindowOpenHandler: (handler: (details: { url: string }) => { action: string }) => void;
      on: (name: string, listener: (event: { preventDefault: () => void }) => void) => void;
      send: () => void;
    };
    constructor(options: Record<string, unknown>) {
      const record: (typeof made.windows)[number] = { options, listeners: new Map(), hidden: false };
      this.record = record;
      made.windows.push(record);
      this.webContents = {
        id: made.windows.length,
        send: () => undefined,
        setWindowOpenHandler: (handler) => {
          record.openHandler = handler;
        },
        on: (name, listener) => record.listeners.set(`contents:${name}`, listener),
      };
    }
    once(): void {}
    show(): void {}
    focus(): void {}
    isDestroyed(): boolean {
      return false;
    }
    on(name: string, listener: (event: { preventDefault: () => void }) => void): void {
      this.record.listeners.set(name, listener);
    }
    hide(): void {
      this.record.hidden = true;
    }
    getNormalBounds() {
      return { x: 10, y: 20, width: 1000, height: 700 };
    }
    loadFile(): Promise<void> {
      return Promise.resolve();
    }
    loadURL(): Promise<void> {
      return Promise.resolve();
    }
  }
  return {
    BrowserWindow,
    shell: {
      openExternal: (url: string) => {
        made.opened.push(url);
        return Promise.resolve();
      },
    },
    session: {},
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  };
});

const { dashboardPageUrl, dashboardPort } = await import('../../src/main/desktop/electron/dashboardWindow');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'window-'));
  made.windows.length = 0;
  made.opened.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the dashboard window', () => {
  it("is made to Electron's security checklist", async () => {
    await dashboardPort({ outDir: '/app/out', statePath: join(dir, 'window.json'), quitting: () => false }).show();
    const options = made.windows[0]?.options ?? {};
    expect(options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    });
    expect([options.width, options.height, options.minWidth, options.minHeight]).toEqual([1200, 800, 900, 600]);
  });

  it('denies new windows, opening only https links outside, and prevents navigation', async () => {
    await dashboardPort({ outDir: '/app/out', statePath: join(dir, 'window.json'), quitting: () => false }).show();
    const record = made.windows[0];
    expect(record?.openHandler?.({ url: 'https://ollama.com/library' })).toEqual({ action: 'deny' });
    expect(record?.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(made.opened).toEqual(['https://ollama.com/library']);
    let prevented = false;
    record?.listeners.get('contents:will-navigate')?.({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });

  it('hides to the tray on close, remembering its place, and closes for real when quitting', async () => {
    let quitting = false;
    const statePath = join(dir, 'window.json');
    await dashboardPort({ outDir: '/app/out', statePath, quitting: () => quitting }).show();
    const record = made.windows[0];
    let prevented = false;
    record?.listeners.get('close')?.({ preventDefault: () => (prevented = true) });
    expect([prevented, record?.hidden]).toEqual([true, true]);
    quitting = true;
    prevented = false;
    record?.listeners.get('close')?.({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
    await vi.waitFor(async () => {
      await dashboardPort({ outDir: '/app/out', statePath, quitting: () => true }).show();
      expect(made.windows.at(-1)?.options).toMatchObject({ x: 10, y: 20, width: 1000, height: 700 });
    });
  });

  it('is made once however many ask to see it at once, and is known by its id from then on', async () => {
    const port = dashboardPort({ outDir: '/app/out', statePath: join(dir, 'window.json'), quitting: () => false });
    expect(port.windowId()).toBeNull();
    await Promise.all([port.show(), port.show(), port.show()]);
    expect(made.windows).toHaveLength(1);
    expect(port.windowId()).toBe(made.windows.length);
  });

  it('names the page IPC answers', () => {
    expect(dashboardPageUrl({ outDir: '/app/out' })).toBe('file:///app/out/renderer/index.html');
    expect(dashboardPageUrl({ outDir: '/app/out', devServerUrl: 'http://localhost:5173/' })).toBe(
      'http://localhost:5173/',
    );
  });
});

describe("the window's place", () => {
  it('is restored only onto a display that exists now, and the page URL keeps a # or % in the install path', async () => {
    const { onSomeDisplay } = await import('../../src/main/desktop/windowState');
    const display = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(onSomeDisplay({ x: 100, y: 50, width: 1200, height: 800 }, display)).toEqual({
      x: 100,
      y: 50,
      width: 1200,
      height: 800,
    });
    // Last seen on a second monitor, unplugged since.
    expect(onSomeDisplay({ x: 2500, y: 50, width: 1200, height: 800 }, display)).toEqual({ width: 1200, height: 800 });
    expect(dashboardPageUrl({ outDir: '/opt/C# tools/100%/out' })).toBe(
      'file:///opt/C%23%20tools/100%25/out/renderer/index.html',
    );
  });
});

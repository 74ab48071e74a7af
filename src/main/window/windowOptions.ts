import { join } from 'node:path';

/** The window's place and size, as remembered. */
export interface WindowBounds {
  readonly x?: number;
  readonly y?: number;
  readonly width: number;
  readonly height: number;
}

export const MIN_WIDTH = 900;
export const MIN_HEIGHT = 600;

/** The page's Content-Security-Policy, sent as a header too, so it holds even for a page that drops its meta tag. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The dashboard window's options: Electron's security checklist as data, so a
 * test can hold it to every line. The preload is one bundled CommonJS file,
 * which a sandboxed renderer requires.
 */
export function dashboardWindowOptions(outDir: string, bounds: WindowBounds) {
  return {
    ...bounds,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    backgroundColor: '#000000',
    title: 'Delegator Monitor',
    webPreferences: {
      preload: join(outDir, 'preload', 'index.cjs'),
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
      spellcheck: false,
    },
  } as const;
}

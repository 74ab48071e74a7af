import { builtAppMissing, startDesktopApp } from '../test/support/desktopHarness';
import { chromiumMissing } from '../test/support/browser';
import { percentile, progress, round } from './stats';

/**
 * Runs in the dashboard window's page before its own scripts: the same
 * moment render.ts's instrument records for the page from serve (the summary
 * cards in the page, then the frame that shows them), with the page's wall
 * clock beside it so the launch, timed in this process, can be set against it.
 */
const INSTRUMENT = `(() => {
  if (window.top !== window) return;
  const watch = new MutationObserver(() => {
    if (!document.querySelector('[aria-label="Resource summary"]')) return;
    watch.disconnect();
    requestAnimationFrame(() => {
      window.__firstSnapshotPainted = { ms: performance.now(), wallMs: Date.now() };
    });
  });
  watch.observe(document, { childList: true, subtree: true });
})();`;

interface Painted {
  /** performance.now(): from the page's navigation start. */
  readonly ms: number;
  /** Date.now() in the same callback: the wall clock this process read at the launch, which timeOrigin plus ms (a monotonic clock's) follows only until the clock is set. */
  readonly wallMs: number;
}

/** One launch of the desktop app in the demo, in milliseconds. */
export interface DesktopPaintLaunch {
  /** The page's navigation start to the frame that first shows a snapshot, on the page's own clock: render.ts's firstSnapshotPaintedMs, for the window. */
  readonly navigationToPaintMs: number;
  /** Just before the harness starts (Chromium, then the app's process) to that same frame, on the wall clock. */
  readonly launchToPaintMs: number;
  /** The part of the above before the page began to load: Chromium's and Node's start, the main bundle's, and, most often, the demo's opening its database (see measureDesktopFirstPaint). */
  readonly launchToNavigationMs: number;
}

/** The figures of several launches: the median of each, and every launch in order. */
export interface DesktopPaintFigures {
  readonly runs: number;
  readonly navigationToPaintMs: number;
  readonly launchToPaintMs: number;
  readonly launchToNavigationMs: number;
  readonly launches: readonly DesktopPaintLaunch[];
}

/** Why nothing was measured (the built app or Chromium is missing), or the figures. */
export type DesktopPaint = { readonly skipped: string } | DesktopPaintFigures;

export interface DesktopPaintOptions {
  /** The main script to launch: the built app's (`out/main/index.js`) by default; another build's, to set two side by side. */
  readonly main?: string;
}

/** One launch: started, timed, quit as the system quits it, and always cleaned up. */
async function launchOnce(options: DesktopPaintOptions): Promise<DesktopPaintLaunch> {
  const launchedAt = Date.now();
  const app = await startDesktopApp({ args: ['--demo'], pageScripts: [INSTRUMENT], ...options });
  try {
    const page = await app.page(30_000);
    // The demo opens its database before the first snapshot; made from nothing on a slow machine, that alone takes seconds.
    await page.waitForFunction(
      () => (window as unknown as { __firstSnapshotPainted?: Painted }).__firstSnapshotPainted !== undefined,
      undefined,
      { timeout: 60_000 },
    );
    const painted = await page.evaluate(
      () => (window as unknown as { __firstSnapshotPainted: Painted }).__firstSnapshotPainted,
    );
    const exit = await app.quit(10_000);
    if (exit.code !== 0)
      throw new Error(
        `the desktop app quit with ${JSON.stringify(exit)}; ${app.output().trim() || '(it printed nothing)'}`,
      );
    return {
      navigationToPaintMs: round(painted.ms),
      launchToPaintMs: round(painted.wallMs - launchedAt),
      launchToNavigationMs: round(painted.wallMs - painted.ms - launchedAt),
    };
  } finally {
    await app.close();
  }
}

/**
 * The desktop app's dashboard window through the desktop harness
 * (test/support/desktopHarness.ts): `runs` launches of the built app (or of
 * `options.main`) with `--demo`, one after another, each with fresh user data, each quit as the
 * system quits it, and the time to the first snapshot painted in each: from
 * the page's navigation start (the figure render.ts gives for the page from
 * serve) and from the launch.
 *
 * Each launch's user data is new, as on a newcomer's first launch: the
 * demo's database (`<userData>/demo/demo-pgdata`) starts from the copy of a
 * fresh database kept in this user's cache (demoDatabase.ts), about 1 s, or,
 * where no copy is kept yet, from PostgreSQL's initdb inside PGlite, 3–5 s on
 * two cores, which keeps a copy for the next launch.
 *
 * PGlite runs on a thread of its own (demoDatabaseWorker.ts), started as
 * soon as the app holds its single-instance lock, so the main process's
 * thread, from which the stand-in drives the window's page, stays free while
 * the database loads: the page loads meanwhile, and waits for its first
 * snapshot. Until that thread existed, loading the database stalled the main
 * thread, and whether the page began to load before the stall or after it
 * was a race, so the split between launchToNavigationMs and
 * navigationToPaintMs varied by seconds; launchToPaintMs is the figure that
 * holds either way. The launch includes what Electron does itself (its
 * Chromium's start) and what it does not (the harness's TypeScript loader,
 * the stand-in's connecting over CDP).
 *
 * Returns `{ skipped }`, saying why, where the built app (`npm run build`) or
 * Chromium is missing; throws if a launch fails or does not quit cleanly.
 */
export async function measureDesktopFirstPaint(runs: number, options: DesktopPaintOptions = {}): Promise<DesktopPaint> {
  if (!Number.isInteger(runs) || runs < 1)
    throw new RangeError(`runs must be a whole number of launches, at least 1: ${String(runs)}`);
  const missing = (options.main === undefined ? builtAppMissing() : null) ?? chromiumMissing();
  if (missing !== null) return { skipped: missing };
  const launches: DesktopPaintLaunch[] = [];
  for (let run = 0; run < runs; run += 1) {
    progress(`desktop: launch ${String(run + 1)} of ${String(runs)} to the window's first snapshot`);
    launches.push(await launchOnce(options));
  }
  const median = (pick: (launch: DesktopPaintLaunch) => number): number => round(percentile(launches.map(pick), 50));
  return {
    runs,
    navigationToPaintMs: median((launch) => launch.navigationToPaintMs),
    launchToPaintMs: median((launch) => launch.launchToPaintMs),
    launchToNavigationMs: median((launch) => launch.launchToNavigationMs),
    launches,
  };
}

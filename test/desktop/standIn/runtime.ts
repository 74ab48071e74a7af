/**
 * What every part of the Electron stand-in shares: the options the harness
 * passed, whether the app is ready, Electron's `Event`, and the one Chromium
 * connection every window's page lives in.
 */
import { chromium, type Browser } from 'playwright-core';
import type { StandInOptions } from '../../support/desktopProtocol';

function readOptions(): StandInOptions {
  const text = process.env.ELECTRON_STAND_IN;
  if (!text)
    throw new Error(
      'The electron stand-in runs only under test/support/desktopHarness.ts, which sets ELECTRON_STAND_IN.',
    );
  return JSON.parse(text) as StandInOptions;
}

export const options = readOptions();

/** Connecting starts at once; `app` is ready when it is done, as Electron is once its browser process is up. */
export const browser: Promise<Browser> = chromium.connectOverCDP(options.cdpEndpoint);

let ready = false;

export function isReady(): boolean {
  return ready;
}

export function markReady(): void {
  ready = true;
}

/** Throws Electron's own message for what may not happen before `ready`. */
export function assertReady(message: string): void {
  if (!ready) throw new Error(message);
}

/** Electron's `Event`: what every event it emits itself carries first. */
export function electronEvent<Params extends object>(params: Params): Electron.Event<Params> {
  let prevented = false;
  return {
    ...params,
    preventDefault: () => {
      prevented = true;
    },
    get defaultPrevented() {
      return prevented;
    },
  };
}

/**
 * The object as the app sees it: reading a property the stand-in lacks throws
 * with its name, where it would otherwise read as undefined and fail later
 * with a less helpful message. `then` stays undefined so the object is not
 * mistaken for a promise.
 */
export function strict<T extends object>(name: string, target: T): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      if (typeof key === 'symbol' || key in object || key === 'then' || key === 'toJSON')
        return Reflect.get(object, key, receiver) as unknown;
      throw new Error(`The electron stand-in has no ${name}.${key}: add it in test/desktop/standIn/`);
    },
  });
}

/** What gets answered to the test; long values are cut, only to say what happened. */
export function summarize(value: unknown): string {
  let text: string;
  try {
    // undefined for undefined, whatever lib.d.ts says.
    const json = JSON.stringify(value) as string | undefined;
    text = json ?? 'undefined';
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * Loaded with `node --import tsx --import <this file>` before the app's main
 * bundle: from here on, `import ... from 'electron'` gets the stand-in.
 */
import { register } from 'node:module';

register('./resolveHook.ts', import.meta.url, { data: { electron: new URL('./electron.ts', import.meta.url).href } });

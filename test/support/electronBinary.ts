import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PACKAGE = new URL('../../node_modules/electron/', import.meta.url).pathname;

/**
 * The Electron executable if it is installed, found without `require('electron')`,
 * which would try to download it.
 */
export function electronBinary(): { path: string } | { missing: string } {
  const pathFile = join(PACKAGE, 'path.txt');
  if (!existsSync(pathFile))
    return {
      missing: 'the Electron binary is not installed (installed with ELECTRON_SKIP_BINARY_DOWNLOAD, or never launched)',
    };
  const binary = join(PACKAGE, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { path: binary } : { missing: `the Electron binary is not at ${binary}` };
}

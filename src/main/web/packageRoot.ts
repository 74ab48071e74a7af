import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const packageSchema = z.object({ name: z.string(), version: z.string() });

export interface PackageRoot {
  /** The folder holding package.json, and `out/` once built. */
  readonly root: string;
  readonly version: string;
}

let found: PackageRoot | null | undefined;

/**
 * This package's folder: the nearest one above this module whose package.json
 * is ours. The same code runs from `src/` under tsx and bundled in `out/cli/`
 * or `out/main/`, at different depths, so no fixed `../..` would do.
 */
export function packageRoot(): PackageRoot | null {
  if (found !== undefined) return found;
  found = null;
  for (let folder = dirname(fileURLToPath(import.meta.url)); ; folder = dirname(folder)) {
    const path = join(folder, 'package.json');
    if (existsSync(path)) {
      const parsed = packageSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      if (parsed.success && parsed.data.name === 'delegator-monitor') {
        found = { root: folder, version: parsed.data.version };
        break;
      }
    }
    if (dirname(folder) === folder) break;
  }
  return found;
}

#!/usr/bin/env node
// The installed command: the compiled command line that `npm run build` leaves in out/cli.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'cli', 'index.js');
if (!existsSync(entry)) {
  process.stderr.write(
    'delegator-monitor: the command line is not built: run `npm run build` (or `npm run cli -- ...` from a checkout)\n',
  );
  process.exit(3);
}
await import(pathToFileURL(entry).href);

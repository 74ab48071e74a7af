// One test file's PostgreSQL on PGlite (embeddedPostgres.ts starts it): the
// database loaded from the template named as the argument, served on a free
// loopback port, which the first line of output names. It ends on SIGTERM or
// SIGINT, and once its standard input closes, as it does when the process
// that started it ends.
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { createLogger, terminalLine } from '../../src/main/core/logger';
import { BytesBlob } from '../../src/main/demo/bytesBlob';
import { serveSession } from '../../src/main/demo/sessionServer';
import { EMBEDDED_SETTINGS } from './embeddedPostgres';

const template = process.argv[2];
if (template === undefined) throw new Error('usage: embeddedPostgresServer.ts <template.tar>');
const db = await PGlite.create({
  ...EMBEDDED_SETTINGS,
  loadDataDir: new BytesBlob(new Uint8Array(await readFile(template))),
});
const log = createLogger([{ level: 'warn', write: (record) => process.stderr.write(`${terminalLine(record)}\n`) }]);
const server = await serveSession(db, { host: '127.0.0.1', log });

let stopping: Promise<void> | null = null;
const stop = (): Promise<void> =>
  (stopping ??= (async () => {
    try {
      await server.stop();
      await db.close();
    } finally {
      process.exit(0);
    }
  })());
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.on('error', () => void stop());
process.stdin.resume();
process.stdout.write(`listening on ${server.address}\n`);

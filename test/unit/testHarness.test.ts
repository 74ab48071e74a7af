import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresBinDir, redisServerPath } from '../support/servers';

const nowhere = {
  path: mkdtempSync(join(tmpdir(), 'empty-path-')),
  postgresRoot: join(tmpdir(), 'no-such-postgres-root'),
};

describe('the test harness on a machine without the servers', () => {
  it('names the PostgreSQL package to install', () => {
    expect(() => postgresBinDir(nowhere)).toThrow('apt-get install postgresql');
  });

  it('names the Redis package to install', () => {
    expect(() => redisServerPath(nowhere)).toThrow('apt-get install redis-server');
  });
});

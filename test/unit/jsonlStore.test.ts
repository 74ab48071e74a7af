import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JsonlStore } from '../../src/main/sources/jsonlStore';

const entrySchema = z.object({ n: z.number(), text: z.string() });
type Entry = z.infer<typeof entrySchema>;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jsonl-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (entry: Entry): string => `${JSON.stringify(entry)}\n`;

describe('JsonlStore, bounded in bytes as in entries', () => {
  it('reads a huge file from its end only, leaves out lines longer than any it writes, and rewrites it small on the next append', async () => {
    const path = join(dir, 'events.jsonl');
    // 300 lines of 100 kB, then three ordinary ones: as an old log filled with huge events would be.
    const huge = Array.from({ length: 300 }, (_, n) => line({ n, text: 'x'.repeat(100_000) })).join('');
    const recent = [1, 2, 3].map((n) => line({ n: 1000 + n, text: 'ok' })).join('');
    await writeFile(path, huge + recent);
    const store = new JsonlStore(path, entrySchema, 10, 1024);
    const loaded = await store.load();
    expect(loaded.value.map((entry) => entry.n)).toEqual([1001, 1002, 1003]);
    expect(loaded.dropped[0]).toBe(
      `${path}: read from its end only, as it holds more than its newest entries can fill`,
    );
    expect(loaded.dropped.slice(1).every((reason) => reason.endsWith('longer than 1024 bytes'))).toBe(true);
    const kept = [...loaded.value, { n: 1004, text: 'ok' }];
    await store.append([{ n: 1004, text: 'ok' }], kept);
    expect((await stat(path)).size).toBeLessThan(1024);
    expect((await readFile(path, 'utf8')).trim().split('\n')).toHaveLength(4);
  });

  it('reads a file within its bounds whole, as before', async () => {
    const path = join(dir, 'series.jsonl');
    await writeFile(path, [1, 2, 3].map((n) => line({ n, text: 'ok' })).join(''));
    const loaded = await new JsonlStore(path, entrySchema, 10, 1024).load();
    expect(loaded).toEqual({ value: [1, 2, 3].map((n) => ({ n, text: 'ok' })), dropped: [] });
  });
});

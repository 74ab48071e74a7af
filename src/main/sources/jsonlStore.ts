import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { describeIssues, parseJson, type Screened } from './screening';

/**
 * A bounded list kept in a JSON-lines file: each addition is one appended
 * line, and the file is rewritten with only the newest entries once it holds
 * twice as many as it must keep, so a write never costs the whole list.
 */
export class JsonlStore<T> {
  private lines = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly schema: z.ZodType<T>,
    private readonly limit: number,
  ) {}

  /** The newest entries; lines that do not parse are left out with their line numbers. */
  async load(): Promise<Screened<T[]>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return { value: [], dropped: [] };
      throw error;
    }
    const entries: T[] = [];
    const dropped: string[] = [];
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const json = parseJson(line);
      const parsed = json.ok ? this.schema.safeParse(json.value) : null;
      if (parsed?.success) entries.push(parsed.data);
      else dropped.push(`${this.path} line ${index + 1}: ${parsed ? describeIssues(parsed.error) : 'not JSON'}`);
    });
    this.lines = lines.filter((line) => line.trim() !== '').length;
    return { value: entries.slice(-this.limit), dropped };
  }

  /** Resolves once every write asked for so far has finished, failed or not. */
  async flush(): Promise<void> {
    await this.queue;
  }

  /** Appends `added`; `all` is the whole list as it now stands, written instead when the file has grown too long. */
  append(added: readonly T[], all: readonly T[]): Promise<void> {
    const write = async (): Promise<void> => {
      if (added.length === 0) return;
      await mkdir(dirname(this.path), { recursive: true });
      if (this.lines + added.length > 2 * this.limit) {
        const kept = all.slice(-this.limit);
        const temporary = `${this.path}.tmp`;
        await writeFile(temporary, kept.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
        await rename(temporary, this.path);
        this.lines = kept.length;
      } else {
        await appendFile(this.path, added.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
        this.lines += added.length;
      }
    };
    // One write at a time, in order, whatever happened to the one before.
    const next = this.queue.then(write);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

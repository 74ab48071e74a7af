import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { MIN_HEIGHT, MIN_WIDTH, type WindowBounds } from './windowOptions';

const boundsSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(MIN_WIDTH).max(20_000),
  height: z.number().int().min(MIN_HEIGHT).max(20_000),
});

export const DEFAULT_BOUNDS: WindowBounds = { width: 1200, height: 800 };

/** The remembered bounds, or the defaults when there are none or the file is damaged. */
export async function loadWindowBounds(path: string): Promise<WindowBounds> {
  try {
    const parsed = boundsSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : DEFAULT_BOUNDS;
  } catch {
    return DEFAULT_BOUNDS;
  }
}

export async function saveWindowBounds(path: string, bounds: WindowBounds): Promise<void> {
  const checked = boundsSchema.parse({
    ...bounds,
    width: Math.max(MIN_WIDTH, Math.round(bounds.width)),
    height: Math.max(MIN_HEIGHT, Math.round(bounds.height)),
  });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, JSON.stringify(checked));
  await rename(`${path}.tmp`, path);
}

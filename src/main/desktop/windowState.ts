import { randomUUID } from 'node:crypto';
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

/** A display's usable area, as Electron's `screen` gives it. */
export interface DisplayArea {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The remembered place only if enough of the window would be on a display
 * that exists now (a monitor unplugged since, a laptop away from its desk);
 * otherwise its size alone, and the system places it.
 */
export function onSomeDisplay(bounds: WindowBounds, displays: readonly DisplayArea[]): WindowBounds {
  if (bounds.x === undefined || bounds.y === undefined) return bounds;
  const { x, y, width } = bounds;
  // The title bar's first 100 px must be reachable to move the window.
  const reachable = displays.some(
    (area) => x + Math.min(width, 100) > area.x && x < area.x + area.width && y >= area.y && y < area.y + area.height,
  );
  return reachable ? bounds : { width: bounds.width, height: bounds.height };
}

export async function saveWindowBounds(path: string, bounds: WindowBounds): Promise<void> {
  const checked = boundsSchema.parse({
    ...bounds,
    width: Math.max(MIN_WIDTH, Math.round(bounds.width)),
    height: Math.max(MIN_HEIGHT, Math.round(bounds.height)),
  });
  await mkdir(dirname(path), { recursive: true });
  // A name of its own per write: two writes at once must not rename each other's half-written file.
  const temporary = `${path}.${String(process.pid)}.${randomUUID()}.tmp`;
  await writeFile(temporary, JSON.stringify(checked));
  await rename(temporary, path);
}

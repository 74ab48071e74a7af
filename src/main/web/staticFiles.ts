import { readFile, realpath } from 'node:fs/promises';
import { extname, isAbsolute, join, normalize, relative as relativePath, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
}

/** Whether `path` is `root` itself or lies below it; both are real paths, with no symlink left in them. */
function isInside(root: string, path: string): boolean {
  const rest = relativePath(root, path);
  return rest !== '' && !rest.startsWith(`..${sep}`) && rest !== '..' && !isAbsolute(rest);
}

/**
 * A file of the built renderer, or null. Paths that climb out of `root` are
 * never read, and neither is a file that a symlink inside `root` points to
 * outside it: the path is resolved to its real location first, and that must
 * still lie inside the real `root`.
 */
export async function readStatic(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath);
  } catch {
    return null;
  }
  const relative = normalize(decoded).replace(/^[/\\]+/, '');
  if (relative.startsWith('..') || relative.includes(`${sep}..${sep}`)) return null;
  const path = join(root, relative);
  if (!path.startsWith(root)) return null;
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(path)]);
    if (!isInside(realRoot, realFile)) return null;
    // Read by the real path just checked. Only someone who can already write into the renderer directory could swap a
    // link in between.
    return { body: await readFile(realFile), type: TYPES[extname(path)] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}

/**
 * Draws the tray icons (every load level and problem state, for light and
 * dark menu bars, at 1x and 2x) and the app icon into resources/. Pure code, so
 * the images can be redrawn on any machine: `npx tsx scripts/drawIcons.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { TrayIconState } from '../src/main/core/views/trayModel';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** RGBA pixels, row by row, to a PNG file's bytes. */
function png(size: number, pixels: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) rows.set(pixels.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

type Rgb = readonly [number, number, number];

/** Coverage of a pixel by a shape, sampled 4x4 for smooth edges. */
function draw(size: number, shade: (x: number, y: number) => { rgb: Rgb; alpha: number } | null): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      let alpha = 0;
      let rgb: Rgb = [0, 0, 0];
      for (let sy = 0; sy < 4; sy += 1) {
        for (let sx = 0; sx < 4; sx += 1) {
          const hit = shade((x + (sx + 0.5) / 4) / size, (y + (sy + 0.5) / 4) / size);
          if (hit) {
            alpha += hit.alpha / 16;
            rgb = hit.rgb;
          }
        }
      }
      pixels.set([rgb[0], rgb[1], rgb[2], Math.round(Math.min(1, alpha) * 255)], (y * size + x) * 4);
    }
  }
  return pixels;
}

const FILL: Readonly<Record<TrayIconState, number>> = {
  idle: 0,
  low: 1 / 3,
  medium: 2 / 3,
  high: 1,
  stale: 0,
  error: 0,
};

/** A ring, filled from the bottom as far as the load goes; stale is faint with a dot, error is struck through. */
function trayGlyph(state: TrayIconState, glyph: Rgb, size: number): Uint8Array {
  return draw(size, (x, y) => {
    const dx = x - 0.5;
    const dy = y - 0.5;
    const distance = Math.hypot(dx, dy);
    const faint = state === 'stale' ? 0.55 : 1;
    if (distance <= 0.46 && distance >= 0.36) return { rgb: glyph, alpha: faint };
    if (distance < 0.36 && y >= 1 - (0.14 + 0.72 * FILL[state])) return { rgb: glyph, alpha: 1 };
    if (state === 'stale' && distance < 0.1) return { rgb: glyph, alpha: 1 };
    if (state === 'error' && distance < 0.46 && Math.abs(dx - dy) < 0.07) return { rgb: glyph, alpha: 1 };
    return null;
  });
}

const ROOT = join(import.meta.dirname, '..', 'resources');
const STATES: readonly TrayIconState[] = ['idle', 'low', 'medium', 'high', 'stale', 'error'];
// Dark glyphs for light menu bars (and macOS, which recolours "Template" images itself), light ones for dark bars.
const THEMES: ReadonlyArray<readonly [string, Rgb]> = [
  ['Template', [0, 0, 0]],
  ['dark', [255, 255, 255]],
];

/**
 * An .ico holding PNG images (Windows Vista and later read them): Windows
 * picks the size its display scaling needs (16, 24, 32 px at 100, 150, 200%)
 * rather than stretching one.
 */
function ico(images: ReadonlyArray<{ size: number; data: Buffer }>): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0);
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += data.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((image) => image.data)]);
}

mkdirSync(join(ROOT, 'tray'), { recursive: true });
for (const state of STATES) {
  for (const [theme, rgb] of THEMES) {
    writeFileSync(join(ROOT, 'tray', `${state}-${theme}.png`), png(16, trayGlyph(state, rgb, 16)));
    writeFileSync(join(ROOT, 'tray', `${state}-${theme}@2x.png`), png(32, trayGlyph(state, rgb, 32)));
  }
  const sizes = [16, 24, 32, 48];
  writeFileSync(
    join(ROOT, 'tray', `${state}-dark.ico`),
    ico(sizes.map((size) => ({ size, data: png(size, trayGlyph(state, [255, 255, 255], size)) }))),
  );
}
const APP_SIZE = 512;
const appIcon = draw(APP_SIZE, (x, y) => {
  const corner = 0.18;
  const cx = Math.min(Math.max(x, corner), 1 - corner);
  const cy = Math.min(Math.max(y, corner), 1 - corner);
  if (Math.hypot(x - cx, y - cy) > corner) return null;
  const inner = trayGlyphAt(x, y);
  return { rgb: inner ? [255, 255, 255] : [17, 24, 39], alpha: 1 };
});
function trayGlyphAt(x: number, y: number): boolean {
  const distance = Math.hypot(x - 0.5, y - 0.5);
  return (distance <= 0.32 && distance >= 0.25) || (distance < 0.25 && y >= 0.5);
}
writeFileSync(join(ROOT, 'icon.png'), png(APP_SIZE, appIcon));
console.log(
  `Drew ${STATES.length * THEMES.length * 2} tray icons, ${STATES.length} Windows .ico files and the app icon into ${ROOT}`,
);

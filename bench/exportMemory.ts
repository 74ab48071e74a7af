import { Writable } from 'node:stream';
import pg from 'pg';
import { exportTo } from '../src/main/export/exportTo';
import { progress, round } from './stats';

export interface ExportSize {
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly megabytes: number;
  /** The most the heap held beyond its starting point, garbage included: what the process had to find room for. */
  readonly peakHeapGrowthMb: number;
  /** The most still in use beyond the start, measured after a collection every 50 chunks: what the export keeps alive. */
  readonly liveHeapGrowthMb: number;
}

const MB = 2 ** 20;

/**
 * A whole table exported as CSV into a sink that discards it, at each size
 * the poll measurement left behind (its `year` tables: every row within the
 * last 366 days). Memory must not grow with the rows: compare the sizes.
 */
export async function measureExport(serverUrl: string, sizes: readonly number[]): Promise<ExportSize[]> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const results: ExportSize[] = [];
  for (const rows of sizes) {
    const url = new URL(serverUrl);
    url.pathname = `/bench_year_${String(rows)}`;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    pool.on('error', () => undefined);
    progress(`export: ${rows.toLocaleString('en')} sessions as CSV to a null sink`);
    gc?.();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let live = baseline;
    let chunks = 0;
    let bytes = 0;
    const sink = new Writable({
      decodeStrings: false,
      write(chunk: string, _encoding, done) {
        chunks += 1;
        bytes += Buffer.byteLength(chunk);
        peak = Math.max(peak, process.memoryUsage().heapUsed);
        if (gc && chunks % 50 === 0) {
          gc();
          live = Math.max(live, process.memoryUsage().heapUsed);
        }
        done();
      },
    });
    const today = new Date().toISOString().slice(0, 10);
    const yearAgo = new Date(Date.now() - 367 * 86_400_000).toISOString().slice(0, 10);
    const started = performance.now();
    const summary = await exportTo(
      sink,
      { from: yearAgo, to: today, format: 'csv', what: 'sessions' },
      { sql: pool, events: () => [], timeZone: 'UTC' },
    );
    const seconds = (performance.now() - started) / 1000;
    await pool.end();
    if (summary.written !== rows) throw new Error(`export wrote ${String(summary.written)} of ${String(rows)} rows`);
    results.push({
      rows,
      seconds: round(seconds, 2),
      rowsPerSecond: Math.round(rows / seconds),
      megabytes: round(bytes / MB, 1),
      peakHeapGrowthMb: round((peak - baseline) / MB, 1),
      liveHeapGrowthMb: round((live - baseline) / MB, 1),
    });
  }
  return results;
}

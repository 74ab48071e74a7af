// `node windowsTableStandIn.mjs '<options as JSON>'`: a long-lived stand-in for
// Windows PowerShell running the process table loop (TABLE_LOOP_SCRIPT in
// src/main/sources/processes/windowsTableScripts.ts), speaking its protocol:
// each line read from standard input is a request, answered with one JSON
// line and then `<end> <the request's text>`. The table is the recorded one
// (test/fixtures/process-listings/windows-process-table.txt), or the line a
// file holds when it is asked; each answer also says which request of this
// process it answers and this process's pid, so a test can tell answers and
// processes apart. It ends when its input does, as the loop does.
//
// Options: `end` (the end line's first word, required), `tableFile`, and the
// faults a test asks for: `exitAtOnce` ({code, stderr}), `hangOn` (requests
// never answered), `lateBy` ({request, ms}: that answer comes late) and
// `staleBefore` (requests whose answer follows an earlier request's).
// Plain JavaScript, so it starts as a bare Node, as fast as a test wants it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @typedef {{
 *   end: string;
 *   tableFile?: string;
 *   exitAtOnce?: { code: number; stderr: string };
 *   hangOn?: number[];
 *   lateBy?: { request: number; ms: number };
 *   staleBefore?: number[];
 * }} Options
 */

/** @type {unknown} */
const given = JSON.parse(process.argv[2] ?? '{}');
const options = /** @type {Options} */ (given);
if (typeof options.end !== 'string') {
  process.stderr.write('usage: node windowsTableStandIn.mjs \'{"end": "<end line word>"}\'\n');
  process.exit(2);
}
if (options.exitAtOnce) {
  process.stderr.write(options.exitAtOnce.stderr);
  process.exit(options.exitAtOnce.code);
}

const RECORDED = join(import.meta.dirname, '../fixtures/process-listings/windows-process-table.txt');

/** The table's JSON line: the file's own, or the recorded output's stdout line. */
function tableLine() {
  if (options.tableFile) return readFileSync(options.tableFile, 'utf8').trim();
  const lines = readFileSync(RECORDED, 'utf8').split('\n');
  const line = lines.slice(lines.indexOf('--- stdout') + 1).find((text) => text.startsWith('{'));
  if (line === undefined) throw new Error(`${RECORDED} holds no table`);
  return line;
}

/** @param {string} text */
const write = (text) => process.stdout.write(text);

/** @param {number} request */
function answer(request) {
  /** @type {unknown} */
  const table = JSON.parse(tableLine());
  const { processes } = /** @type {{ processes: unknown }} */ (table);
  return `${JSON.stringify({ processes, request, answeredBy: process.pid })}\r\n`;
}

let requests = 0;
let earlier = 'none';
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (/** @type {string} */ chunk) => {
  pending += chunk;
  for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n')) {
    const id = pending.slice(0, end).trim();
    pending = pending.slice(end + 1);
    requests += 1;
    const request = requests;
    const previous = earlier;
    earlier = id;
    if (options.hangOn?.includes(request)) continue;
    const reply = () => {
      // An earlier request's answer coming late: a table without this process, then its end line.
      if (options.staleBefore?.includes(request))
        write(`${JSON.stringify({ processes: [], request: 'stale' })}\r\n${options.end} ${previous}\r\n`);
      write(`${answer(request)}${options.end} ${id}\r\n`);
    };
    if (options.lateBy?.request === request) setTimeout(reply, options.lateBy.ms);
    else reply();
  }
});
process.stdin.on('end', () => process.exit(0));

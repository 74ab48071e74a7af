// The packages some tests need beyond Node and npm: where the tests look for
// each, TEST_WITHOUT to look as a machine without it would, and the record of
// what skipped for want of one, which the run's summary names in one line.
import {
  accessSync,
  appendFileSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
} from 'node:fs';
import { delimiter, join, relative } from 'node:path';

/**
 * Each package by the name TEST_WITHOUT knows it by: its Debian name, what
 * the tests that need it need, and the commands it puts on PATH.
 */
export const PACKAGES = {
  postgresql: {
    debian: 'postgresql',
    needed: 'a PostgreSQL server process; the others ran on PGlite',
    commands: ['initdb', 'postgres', 'pg_ctl'],
  },
  redis: { debian: 'redis-server', needed: 'Redis', commands: ['redis-server'] },
  chromium: { debian: 'chromium', needed: 'a browser', commands: ['chromium'] },
  prometheus: { debian: 'prometheus', needed: 'promtool or Prometheus', commands: ['prometheus', 'promtool'] },
  erlang: {
    debian: 'erlang-base',
    needed: 'real Erlang VMs',
    commands: ['erl', 'escript', 'erlc', 'epmd', 'erl_call', 'run_erl', 'to_erl', 'start_embedded'],
  },
} as const;

export type PackageName = keyof typeof PACKAGES;

const NAMES = Object.keys(PACKAGES) as PackageName[];

/**
 * The packages TEST_WITHOUT names (by the names above or their Debian ones), comma- or space-separated; any other name
 * is an error.
 */
export function withheldPackages(value: string | undefined = process.env.TEST_WITHOUT): ReadonlySet<PackageName> {
  const withheld = new Set<PackageName>();
  for (const word of (value ?? '').split(/[\s,]+/).filter((each) => each.length > 0)) {
    const name = NAMES.find((each) => each === word || PACKAGES[each].debian === word);
    if (name === undefined)
      throw new Error(`TEST_WITHOUT names ${JSON.stringify(word)}, which is none of ${NAMES.join(', ')}`);
    withheld.add(name);
  }
  return withheld;
}

/** Whether the tests look for this package as a machine without it would. */
export function withheld(name: PackageName): boolean {
  return withheldPackages().has(name);
}

/**
 * PATH as on a machine without the withheld packages: each folder that holds
 * one of their commands stands replaced by a folder, made in `dir`, of links
 * to everything else in it. Every process of the run gets it, so the app's
 * own lookups (the simulator's for escript) find what a fresh machine's would.
 */
export function pathWithout(names: ReadonlySet<PackageName>, path: string, dir: string): string {
  const hidden = new Set<string>([...names].flatMap((name) => PACKAGES[name].commands));
  if (hidden.size === 0) return path;
  mkdirSync(dir, { recursive: true });
  return path
    .split(delimiter)
    .map((folder, index) => {
      if (!folder || ![...hidden].some((command) => existsSync(join(folder, command)))) return folder;
      const shadow = join(dir, String(index));
      mkdirSync(shadow);
      for (const entry of readdirSync(folder))
        if (!hidden.has(entry)) symlinkSync(join(folder, entry), join(shadow, entry));
      return shadow;
    })
    .join(delimiter);
}

/** The folder of PATH that holds an executable `command`, or null. */
export function onPath(command: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return dir;
    } catch {
      // Not in this folder.
    }
  }
  return null;
}

/** A file the tests run where a package installs it, or null where it is missing (or withheld). */
function installed(name: PackageName, path: string): string | null {
  return !withheld(name) && existsSync(path) ? path : null;
}

/** Debian's Chromium: Playwright cannot download its own browsers on these machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PROMTOOL = '/usr/bin/promtool';
export const PROMETHEUS = '/usr/bin/prometheus';

/** Why Chromium cannot be started here, or null. */
export function lookForChromium(): string | null {
  return installed('chromium', CHROMIUM_PATH)
    ? null
    : `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install chromium\` or set CHROMIUM_PATH`;
}

/** Why `file` (one of the prometheus package's) cannot be run here, or null. */
export function lookForPrometheus(file: typeof PROMTOOL | typeof PROMETHEUS): string | null {
  return installed('prometheus', file) ? null : `${file} is missing (Debian's prometheus package provides it)`;
}

/** Why redis-server cannot be started here, or null. */
export function lookForRedis(): string | null {
  return onPath('redis-server', process.env.PATH ?? '') === null
    ? "redis-server not found on PATH (Debian's redis-server package provides it)"
    : null;
}

/** Where a test file records a package it skipped tests for want of: the run's folder, read by the run's summary. */
const WANTS_FILE = 'skipped-for-want-of.tsv';

/**
 * Records that the current test file skips tests for want of a package, and
 * why; the run's summary names each package once, with the number of files.
 */
export function recordWant(runDir: string | undefined, name: PackageName, reason: string, file: string): void {
  if (runDir === undefined || !existsSync(runDir)) return;
  try {
    appendFileSync(
      join(runDir, WANTS_FILE),
      `${name}\t${relative(process.cwd(), file)}\t${reason.replace(/\s+/g, ' ')}\n`,
    );
  } catch {
    // The summary only misses a line.
  }
}

/**
 * The one line that ends a run where tests skipped for want of packages:
 * each package, what its tests need, in how many files, and why it was
 * missing; null where nothing skipped so.
 */
export function describeWants(runDir: string | undefined): string | null {
  let text: string;
  try {
    if (runDir === undefined) return null;
    text = readFileSync(join(runDir, WANTS_FILE), 'utf8');
  } catch {
    return null;
  }
  const files = new Map<PackageName, Set<string>>();
  const reasons = new Map<PackageName, string>();
  for (const line of text.split('\n')) {
    const [name, file, reason] = line.split('\t');
    if (name === undefined || file === undefined || !NAMES.includes(name as PackageName)) continue;
    const known = name as PackageName;
    files.set(known, (files.get(known) ?? new Set()).add(file));
    if (reason) reasons.set(known, reason);
  }
  if (files.size === 0) return null;
  let withholding: ReadonlySet<PackageName>;
  try {
    withholding = withheldPackages();
  } catch {
    withholding = new Set();
  }
  const parts = NAMES.filter((name) => files.has(name)).map((name) => {
    const count = files.get(name)?.size ?? 0;
    const why = withholding.has(name) ? 'withheld by TEST_WITHOUT' : (reasons.get(name) ?? '');
    return `${PACKAGES[name].debian} (${String(count)} file${count === 1 ? '' : 's'}, ${PACKAGES[name].needed}): ${why}`;
  });
  return `Skipped for want of packages (tests, or checks within them): ${parts.join('; ')}.`;
}

import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { erlangAvailable } from '../../src/main/simulator/escriptLookup';
import { skipFor } from './needs';

/** Why the tests that need real Erlang VMs cannot run here, or null when they can; recorded for the run's summary. */
export async function erlangMissing(): Promise<string | null> {
  if (process.platform !== 'linux') return 'the process checks read /proc, which only Linux has';
  return skipFor('erlang', (await erlangAvailable()) ? null : "escript is not on PATH (Debian's erlang-base gives it)");
}

/** Whether a pid is a live process; a zombie nobody reaped yet (its parent was killed) counts as gone. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!existsSync('/proc')) return true;
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** What Linux says of a process: what the monitor reads to tell an agent. */
export interface ProcFacts {
  readonly comm: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly environ: readonly string[];
  /** Where its stdin leads: `/dev/null`, `pipe:[…]`. */
  readonly stdin: string;
}

export function procFacts(pid: number): ProcFacts {
  const base = `/proc/${String(pid)}`;
  return {
    comm: readFileSync(`${base}/comm`, 'utf8').trim(),
    argv: readFileSync(`${base}/cmdline`, 'utf8').split('\0').slice(0, -1),
    cwd: readlinkSync(`${base}/cwd`),
    environ: readFileSync(`${base}/environ`, 'utf8').split('\0'),
    stdin: readlinkSync(`${base}/fd/0`),
  };
}

/** The VM's plain arguments: after the first standalone `-extra` for the Erlang VM, after argv[0] for a stand-in. */
export function plainArguments(facts: ProcFacts): readonly string[] {
  if (facts.comm !== 'beam.smp') return facts.argv.slice(1);
  const extra = facts.argv.indexOf('-extra');
  return extra < 0 ? [] : facts.argv.slice(extra + 1);
}

/** Pids of live processes whose command line or working folder mentions `text` (the simulator's ECHO root, say). */
export function processesMentioning(text: string): number[] {
  if (!existsSync('/proc')) return [];
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const where = `${readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8')}\0${readlinkSync(`/proc/${String(pid)}/cwd`)}`;
        return where.includes(text) && alive(pid);
      } catch {
        return false;
      }
    });
}

/**
 * Waits until the process runs `executable` (its comm, cut to Linux's 15
 * characters): an escript's shebang execs `escript`, which execs the
 * emulator, so for its first moments the pid shows those.
 */
export async function untilExecutable(pid: number, executable: string, timeoutMs = 5000): Promise<void> {
  const wanted = executable.slice(0, 15);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const comm = procFacts(pid).comm;
    if (comm === wanted) return;
    if (Date.now() > deadline)
      throw new Error(`pid ${String(pid)} runs ${comm}, not ${wanted}, after ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

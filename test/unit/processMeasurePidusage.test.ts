import { describe, expect, it, vi } from 'vitest';
import { measureWithPidusage } from '../../src/main/sources/processes/processMeasure';
import { readRecordedOutput } from '../support/windowsRecorded';

/**
 * Above Linux's PID_MAX_LIMIT (2^22): no process here ever has these pids, so the check by pid calls them gone, as they
 * are.
 */
const GONE = [4_194_305, 4_194_306];

/**
 * pidusage 4.1.0 on Windows (wmic present), replaying one recorded wmic run:
 * lib/bin.js turns any standard error into an Error carrying it, whatever the
 * exit code; lib/wmic.js turns only the English "none found" into ENOENT.
 */
const wmic = vi.hoisted(() => ({ output: null as { stdout: string; stderr: string; code: number | null } | null }));
vi.mock('pidusage', () => ({
  default: (): Promise<never> => {
    const output = wmic.output;
    if (output === null) return Promise.reject(new Error('no wmic output to replay'));
    if (output.stderr !== '') {
      const error = new Error(output.stderr);
      if (error.message.includes('No Instance(s) Available.'))
        return Promise.reject(Object.assign(new Error('No matching pid found'), { code: 'ENOENT' }));
      return Promise.reject(error);
    }
    return Promise.reject(new Error(`pidusage wmic command exited with code ${String(output.code)}`));
  },
}));

describe('pidusage on Windows, with wmic’s "none found" as recorded', () => {
  it.each([
    ['English', 'windows-recorded-wmic-no-instances-en.txt'],
    ['Spanish', 'windows-recorded-wmic-no-instances-es.txt'],
    ['Japanese', 'windows-recorded-wmic-no-instances-ja.txt'],
  ])('in %s: the pids that exited are measured as gone, not as a failure', async (_language, file) => {
    const recorded = readRecordedOutput(file);
    expect(recorded.stdout).toBe('');
    wmic.output = { ...recorded, code: recorded.code ?? 0 };
    await expect(measureWithPidusage(() => 1_000, 'win32')(GONE)).resolves.toEqual(new Map());
  });

  it('still fails while a pid it asked about runs: the error says nothing of that one', async () => {
    wmic.output = { ...readRecordedOutput('windows-recorded-wmic-no-instances-es.txt'), code: 0 };
    await expect(measureWithPidusage(() => 1_000, 'win32')([process.pid, ...GONE])).rejects.toThrow(
      'No hay instancias disponibles.',
    );
  });
});

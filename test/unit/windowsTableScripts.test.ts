import { describe, expect, it } from 'vitest';
import { encodeCommand, powerShellProgram } from '../../src/main/sources/processes/powerShellLaunch';
import { ANSWER_END } from '../../src/main/sources/processes/powerShellSession';
import {
  PROCESS_TABLE_JSON,
  PROCESS_TABLE_QUERY,
  PROCESS_TABLE_SCRIPT,
  TABLE_LOOP_SCRIPT,
} from '../../src/main/sources/processes/windowsTableScripts';

const decode = (encoded: string | undefined): string => Buffer.from(encoded ?? '', 'base64').toString('utf16le');

/** Where each part first appears in the loop, to check their order. */
const at = (part: string): number => TABLE_LOOP_SCRIPT.indexOf(part);

describe('starting PowerShell', () => {
  it('encodes a script as -EncodedCommand takes it: UTF-16LE in base64 (about_PowerShell_exe’s own example)', () => {
    expect(encodeCommand('dir "c:\\program files" ')).toBe(
      'ZABpAHIAIAAiAGMAOgBcAHAAcgBvAGcAcgBhAG0AIABmAGkAbABlAHMAIgAgAA==',
    );
  });

  it('starts the table loop from the system folder, with no profile or prompt and none of the monitor’s secrets', () => {
    const env = { SystemRoot: 'C:\\Windows', Path: 'C:\\tools;C:\\Windows', DB_PASSWORD: 'hunter2', HOME: 'C:\\x' };
    const program = powerShellProgram(TABLE_LOOP_SCRIPT, env);
    expect(program.file).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(program.args.slice(0, 4)).toEqual(['-NoLogo', '-NoProfile', '-NonInteractive', '-EncodedCommand']);
    expect(program.args).toHaveLength(5);
    expect(decode(program.args[4])).toBe(TABLE_LOOP_SCRIPT);
    expect(program.env).toEqual({ LANG: 'C', LC_ALL: 'C', PATH: 'C:\\tools;C:\\Windows', SystemRoot: 'C:\\Windows' });
    // Windows' command line holds at most 32,767 characters.
    expect(program.args.join(' ').length + program.file.length).toBeLessThan(32_767);
  });
});

describe('the process table loop', () => {
  it('runs the same query, to the same JSON line, as the one-shot script', () => {
    expect(PROCESS_TABLE_QUERY).toMatch(/^\$rows = @\(Get-CimInstance -ClassName Win32_Process -Property /);
    expect(PROCESS_TABLE_JSON).toBe('ConvertTo-Json -InputObject @{ processes = $rows } -Depth 3 -Compress');
    for (const script of [PROCESS_TABLE_SCRIPT, TABLE_LOOP_SCRIPT]) {
      expect(script).toContain(PROCESS_TABLE_QUERY);
      expect(script).toContain(PROCESS_TABLE_JSON);
      expect(script).toContain('[Console]::OutputEncoding = [System.Text.Encoding]::UTF8');
      expect(script).toContain("$ErrorActionPreference = 'Stop'");
    }
  });

  it('reads a request a line, answers it, ends the answer with a line carrying the request, and flushes', () => {
    const order = [
      '$request = [Console]::In.ReadLine()',
      'if ($null -eq $request) { break }',
      'try {',
      PROCESS_TABLE_QUERY,
      `[Console]::Out.WriteLine((${PROCESS_TABLE_JSON}))`,
      '} catch {',
      "[Console]::Out.WriteLine('failed: ' + ($_.Exception.Message -replace '\\s+', ' '))",
      `[Console]::Out.WriteLine('${ANSWER_END} ' + $request.Trim())`,
      '[Console]::Out.Flush()',
    ].map(at);
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(TABLE_LOOP_SCRIPT).toMatch(/^while \(\$true\) \{$/m);
    // The request is echoed, never run: no Invoke-Expression, no script block made from it.
    expect(TABLE_LOOP_SCRIPT).not.toMatch(/Invoke-Expression|iex|ScriptBlock|\.Invoke\(/i);
  });

  it('ends the answer with a line the table’s JSON can never be', () => {
    expect(ANSWER_END.startsWith('{')).toBe(false);
    expect('failed: x'.startsWith(ANSWER_END)).toBe(false);
  });
});

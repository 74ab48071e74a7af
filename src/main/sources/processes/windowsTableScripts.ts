import { ANSWER_END } from './powerShellSession';
import { ARGUMENTS_READ_LIMIT } from './procFiles';

/**
 * The settings every table script starts with: no progress bar (it would be
 * written to the output), errors that stop the query rather than leave half
 * a table, and UTF-8 output, as a command line may hold any character and
 * the console's code page would garble it.
 */
const PREAMBLE = [
  "$ProgressPreference = 'SilentlyContinue'",
  "$ErrorActionPreference = 'Stop'",
  '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8',
];

/**
 * The one query: every process with what both the listing and the measuring
 * need, so one answer serves a whole poll. A command line is cut at the
 * length Linux's listing reads.
 */
export const PROCESS_TABLE_QUERY = [
  '$rows = @(Get-CimInstance -ClassName Win32_Process -Property ProcessId,ParentProcessId,Name,CommandLine,WorkingSetSize,UserModeTime,KernelModeTime,CreationDate | ForEach-Object {',
  '  $c = $_.CommandLine',
  `  if ($c -and $c.Length -gt ${String(ARGUMENTS_READ_LIMIT)}) { $c = $c.Substring(0, ${String(ARGUMENTS_READ_LIMIT)}) }`,
  '  [pscustomobject]@{',
  '    pid = $_.ProcessId; ppid = $_.ParentProcessId; name = $_.Name; commandLine = $c; workingSet = $_.WorkingSetSize',
  '    cpu100ns = $_.UserModeTime + $_.KernelModeTime',
  '    startedMs = if ($_.CreationDate) { ([DateTimeOffset]$_.CreationDate).ToUnixTimeMilliseconds() } else { $null }',
  '  }',
  '})',
].join('\n');

/**
 * The answer as one JSON line, whose numbers and keys are the same in every
 * Windows language; nothing written in words (an error, a warning, "no
 * instances") is ever read for its meaning. The envelope `{"processes": [...]}`
 * is the answer; anything else is a failure, never "none running".
 */
export const PROCESS_TABLE_JSON = 'ConvertTo-Json -InputObject @{ processes = $rows } -Depth 3 -Compress';

/** The query run once by a PowerShell started for it, printing the table and exiting. */
export const PROCESS_TABLE_SCRIPT = [...PREAMBLE, PROCESS_TABLE_QUERY, PROCESS_TABLE_JSON].join('\n');

/**
 * The query in a loop, for one PowerShell that lives as long as the monitor:
 * each line read from standard input is a request, which it answers with the
 * table's JSON line (or one line of why the query failed) and then an end
 * line carrying the request's text, flushed at once. The request is only
 * echoed, never run, so nothing written to its input is code. When its input
 * ends (the monitor closed it, or exited), the read gives $null and the loop,
 * and PowerShell, end.
 */
export const TABLE_LOOP_SCRIPT = [
  ...PREAMBLE,
  'while ($true) {',
  '$request = [Console]::In.ReadLine()',
  'if ($null -eq $request) { break }',
  'try {',
  PROCESS_TABLE_QUERY,
  `[Console]::Out.WriteLine((${PROCESS_TABLE_JSON}))`,
  '} catch {',
  // One line, which does not start with a brace: the answer's reader takes it for a failure and shows it.
  "[Console]::Out.WriteLine('failed: ' + ($_.Exception.Message -replace '\\s+', ' '))",
  '}',
  `[Console]::Out.WriteLine('${ANSWER_END} ' + $request.Trim())`,
  '[Console]::Out.Flush()',
  '}',
].join('\n');

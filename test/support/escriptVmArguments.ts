/**
 * What the Erlang VM is given between an escript's path and the script's own arguments, as recorded on Debian 12 (OTP
 * 25; test/fixtures/process-listings/linux-procps-ucomm-args.txt), with the home folder of a user named ana.
 */
export const ESCRIPT_VM_ARGUMENTS: readonly string[] = [
  '-B',
  '--',
  '-root',
  '/usr/lib/erlang',
  '-bindir',
  '/usr/lib/erlang/erts-13.1.5/bin',
  '-progname',
  'erl',
  '--',
  '-home',
  '/home/ana',
  '--',
  '-boot',
  'no_dot_erlang',
  '-noshell',
  '-noshell',
  '-noinput',
  '-run',
  'escript',
  'start',
  '-extra',
];

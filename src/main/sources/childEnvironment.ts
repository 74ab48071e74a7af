/**
 * The environment of the programs the monitor runs to read the machine (ps,
 * lsof, nvidia-smi, vm_stat, sysctl): where to find them and the C locale
 * their output is parsed in, and nothing else. The monitor's own environment
 * holds its secrets (the web host's access token, database passwords), which
 * a child would otherwise inherit and show in its own /proc/<pid>/environ.
 */
export function childEnvironment(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  // process.env reads its keys without case on Windows, where the variable is usually `Path`.
  const path = env.PATH ?? env.Path;
  const kept: NodeJS.ProcessEnv = { LANG: 'C', LC_ALL: 'C' };
  if (path !== undefined) kept.PATH = path;
  if (platform === 'win32') {
    // Windows programs need these to load their system libraries.
    for (const name of ['SystemRoot', 'windir'] as const) {
      const value = env[name];
      if (value !== undefined) kept[name] = value;
    }
  }
  return kept;
}

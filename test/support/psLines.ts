/**
 * `ps -eo pid=,args=` and `ps -axww -o pid=,command=`: the pid, one space, the command line; a line ends at \n only.
 */
export function psLines(text: string): { pid: number; commandLine: string }[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      // `s`: `.` would otherwise stop at U+2028 and U+2029, which a command line may hold.
      const match = /^\s*(\d+) (.*)$/s.exec(line);
      if (!match?.[1] || match[2] === undefined) throw new Error(`not a ps line: ${line}`);
      return { pid: Number(match[1]), commandLine: match[2] };
    });
}

/**
 * A server-sent event's name and data, from the text of one frame (what
 * comes before its blank line). Its lines end at \n, or \r\n, and nowhere
 * else: U+2028 and U+2029, which JSON leaves unescaped inside a string (a
 * model or process name may hold them), are text. A regular expression's `.`
 * and multiline `^`/`$` take them for line ends, which would cut the data short.
 * Data on several lines is joined with \n, as a browser joins it.
 */
export function sseFrame(text: string): { event: string; data: string } | null {
  let event: string | undefined;
  const data: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('event: ')) event = line.slice('event: '.length);
    else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
  }
  return event === undefined || data.length === 0 ? null : { event, data: data.join('\n') };
}

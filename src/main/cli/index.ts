// The entry. A one-shot look's CPU window starts as the process does
// (processStart.ts), so it is marked before the rest of the command line is
// even parsed: everything else is loaded after it, by a dynamic import.
import './startCpuMark';

await import('./main');

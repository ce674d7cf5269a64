import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let fullGc: (() => void) | undefined;

/**
 * A full garbage collection, now. For the one place that needs it: after SheetJS has read a large
 * workbook, a couple of hundred MB of its garbage are left, and V8 sizes the next collection from that
 * peak, so without this the heap of a long import keeps growing towards the function's memory limit.
 * `--expose-gc` set at run time is how Node's own tooling reaches `gc` without a command-line flag.
 */
export function collectGarbage(): void {
  if (!fullGc) {
    setFlagsFromString('--expose-gc');
    fullGc = runInNewContext('gc') as () => void;
  }
  fullGc();
}

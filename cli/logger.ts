// Buildout's log lines (`Installing x.`, warnings) on standard output, as
// zc.buildout prints them; -q hides info, -v shows debug.
import type { Logger } from '../recipes/api.ts';

export function consoleLogger(verbosity: number, write: (t: string) => void): Logger {
  return {
    info: (m) => {
      if (verbosity >= 0) write(m);
    },
    warning: (m) => {
      if (verbosity >= -10) write(m);
    },
    debug: (m) => {
      if (verbosity > 0) write(m);
    },
  };
}

// The Python interpreter buildout would run with: `--python`, else the
// first python3 on PATH. Only looked up, never run here.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findPython(explicit?: string): string {
  if (explicit) return explicit;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'python3');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return 'python3';
}

// Removing what a run recorded (zc.buildout's Buildout._uninstall of paths).
import { rmSync, statSync } from 'node:fs';
import { pyJoin } from '../profile/location.ts';

/** Remove recorded paths: directories recursively, files; missing ones are ignored. */
export function removePaths(directory: string, paths: string[]): void {
  for (const p of paths) {
    const path = pyJoin(directory, p);
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      try {
        rmSync(path, { force: true });
      } catch {
        // nothing there
      }
      continue;
    }
    rmSync(path, { recursive: isDir, force: true });
  }
}

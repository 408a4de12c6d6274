// slapos.cookbook:userinfo (spec §2.16): at init, the user running buildout
// as options pw-name pw-uid pw-gid pw-dir pw-shell (its passwd entry) and
// gr-name gr-gid (its group). Install and update do nothing.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { RecipeModule } from '../api.ts';

/** The name of a group id, from /etc/group (the gid itself when it is not listed). */
export function groupName(gid: number): string {
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length >= 3 && f[2] === String(gid)) return f[0]!;
    }
  } catch {
    // no group database
  }
  return String(gid);
}

const GENERATED = { generated: true } as const;

export const userinfo: RecipeModule = {
  names: ['slapos.cookbook:userinfo'],
  schema: {
    options: {
      'pw-name': { description: 'user name', ...GENERATED },
      'pw-uid': { description: 'user id', ...GENERATED },
      'pw-gid': { description: 'primary group id of the user', ...GENERATED },
      'pw-dir': { description: 'home directory (from the passwd entry)', ...GENERATED },
      'pw-shell': { description: 'login shell', ...GENERATED },
      'gr-name': { description: 'name of the group buildout runs as', ...GENERATED },
      'gr-gid': { description: 'id of the group buildout runs as', ...GENERATED },
    },
  },
  init({ options }) {
    const u = userInfo();
    const gid = process.getgid?.() ?? u.gid;
    options.set('pw-name', u.username);
    options.set('pw-uid', String(u.uid));
    options.set('pw-gid', String(u.gid));
    options.set('pw-dir', u.homedir);
    options.set('pw-shell', u.shell ?? '');
    options.set('gr-name', groupName(gid));
    options.set('gr-gid', String(gid));
    return { install: () => [], update: () => [] };
  },
};

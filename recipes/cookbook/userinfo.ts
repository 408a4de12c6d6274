// slapos.cookbook:userinfo (docs/slapos-recipes.md#userinfo): at init, the
// user running buildout as options pw-name pw-uid pw-gid pw-dir pw-shell (its
// passwd entry) and gr-name gr-gid (its group). Install and update do nothing.
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


export const userinfo: RecipeModule = {
  names: ['slapos.cookbook:userinfo'],
  pureInit: true,
  schema: {
    options: {},
    // pw-*: the passwd entry of the user buildout runs as (name, uid, gid,
    // home directory, shell); gr-*: the name and id of its group
    generated: ['pw-name', 'pw-uid', 'pw-gid', 'pw-dir', 'pw-shell', 'gr-name', 'gr-gid'],
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

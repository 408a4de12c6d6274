// slapos.cookbook:dropbear.add_authorized_key (slapos/recipe/dropbear.py
// AddAuthorizedKey): `key` becomes the whole of `<home>/.ssh/
// authorized_keys` (the .ssh directory made with mode 0700; the file
// replaced through a `.new` file and a rename, left alone when it already
// holds the key). Returns the file; update = install.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecipeError, type RecipeModule } from '../api.ts';

export const dropbearAddAuthorizedKey: RecipeModule = {
  names: ['slapos.cookbook:dropbear.add_authorized_key'],
  pureInit: true,
  schema: {
    doc: 'Writes `key` as the authorized_keys of `home`.',
    options: { home: { doc: 'the home directory (its .ssh is created)' }, key: { doc: 'the authorized keys' } },
    required: ['home', 'key'],
    generated: [],
  },
  init({ name, options }) {
    const key = options.require('key');
    const home = options.require('home');
    const install = () => {
      const ssh = join(home, '.ssh');
      const st = statSync(ssh, { throwIfNoEntry: false });
      if (!st) mkdirSync(ssh, { mode: 0o700 });
      else if (!st.isDirectory()) throw new RecipeError(`[${name}] '.ssh' exists but is not a directory.`);
      const file = join(ssh, 'authorized_keys');
      let current: string | undefined;
      try {
        current = readFileSync(file, 'utf8');
      } catch {
        // absent
      }
      if (current !== key) {
        const tmp = file + '.new';
        try {
          writeFileSync(tmp, key);
          renameSync(tmp, file);
        } finally {
          rmSync(tmp, { force: true });
        }
      }
      return [file];
    };
    return { install, update: install };
  },
};

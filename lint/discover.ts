// Which files `tsbuildout lint PATH…` lints: a file as given; a directory,
// every buildout profile and profile template under it.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** `*.cfg` and the templates rendered into profiles: `*.cfg.in`, `*.cfg.jinja2`, `*.cfg.j2`, `*.cfg.jinja2.in`, `*.cfg.jinja.in`. */
export const PROFILE_NAME = /\.cfg(\.in|\.jinja2|\.j2|\.jinja2\.in|\.jinja\.in|\.jinja)?$/;

export function discoverProfiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    return [path];
  }
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = join(dir, name);
      let s;
      try {
        s = statSync(p);
      } catch {
        continue;
      }
      if (s.isDirectory()) walk(p);
      else if (PROFILE_NAME.test(name)) out.push(p);
    }
  };
  walk(path);
  return out;
}

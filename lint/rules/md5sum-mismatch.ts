// md5sum-mismatch: a `md5sum` that does not match the file it checks: in a
// file that keeps `filename` and `md5sum` side by side (buildout.hash.cfg,
// maintained by update-hash), the file named relative to it; in a profile,
// the local file its section's `url` resolves to.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { valueSpan } from '../../parser/references.ts';
import { entrySpan } from '../../profile/provenance.ts';
import { isUrl } from '../../profile/location.ts';
import { pyStrip } from '../../python/index.ts';
import type { Rule } from '../types.ts';
import { hasPlaceholder } from '../template.ts';
import { replaceBy } from './util.ts';

const hashes = new Map<string, string | null>();

/** The MD5 of a file, computed once per version of it (an editor's session outlives edits). */
export function md5Of(path: string): string | null {
  let key: string;
  try {
    const st = statSync(path);
    key = `${path}\0${st.mtimeMs}\0${st.size}`;
  } catch {
    return null;
  }
  if (hashes.has(key)) return hashes.get(key)!;
  let h: string | null;
  try {
    h = createHash('md5').update(readFileSync(path)).digest('hex');
  } catch {
    h = null;
  }
  hashes.set(key, h);
  return h;
}

function show(path: string, cwd: string): string {
  const r = relative(cwd, path);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : path;
}

export const md5sumMismatch: Rule = {
  meta: {
    id: 'md5sum-mismatch',
    description: 'A md5sum that does not match the local file it checks (buildout.hash.cfg entries, local url downloads).',
    defaultSeverity: 'error',
    scope: 'file',
    details: 'Run update-hash (SlapOS) to refresh buildout.hash.cfg. Remote URLs are not downloaded.',
  },
  create(context) {
    const cwd = context.options.cwd;
    const mismatch = (path: string, expected: string, actual: string) =>
      `md5sum ${expected} does not match ${show(path, cwd)} (its MD5 is ${actual})`;
    return {
      file(file, facts) {
        for (const [, section] of facts.sections.sections) {
          const fn = section.options.get('filename');
          const md5 = section.options.get('md5sum');
          if (!fn || !md5 || fn.value.includes('${') || md5.value.includes('${') || hasPlaceholder(fn.value + md5.value)) continue;
          const path = join(dirname(file.path), pyStrip(fn.value));
          const actual = md5Of(path);
          const expected = pyStrip(md5.value).toLowerCase();
          if (actual === null || actual === expected) continue;
          const span = valueSpan(md5.file, md5.value, md5.positions, 0, md5.value.length);
          context.report({
            message: mismatch(path, expected, actual),
            span,
            hint: 'update the md5sum (update-hash), or check that the file is the one intended',
            fixes: replaceBy(span, [actual]),
          });
        }
      },
      profile(model) {
        for (const name of model.sectionNames()) {
          context.section(model, name, () => {
            if (hasPlaceholder(name)) return;
            const ex = model.expanded(name)!;
            const md5 = ex.section.get('md5sum');
            if (!md5 || !ex.section.has('url') || !model.recipe(name)) return;
            const url = model.value(name, 'url');
            const expected = model.value(name, 'md5sum');
            if (url === undefined || expected === undefined) return;
            const target = pyStrip(url);
            if (isUrl(target) && !target.startsWith('file://')) return;
            const path = target.startsWith('file://') ? fileURLToPath(target) : target;
            if (!isAbsolute(path)) return;
            const actual = md5Of(path);
            if (actual === null || actual === pyStrip(expected).toLowerCase()) return;
            const span = entrySpan(md5, 0, md5.value.length);
            context.report({
              message: mismatch(path, pyStrip(expected).toLowerCase(), actual),
              span,
              fixes: replaceBy(span, [actual]),
              certainty: model.certaintyIn(name),
              hint: 'update the md5sum (update-hash), or check that the file is the one intended',
            });
          });
        }
      },
    };
  },
};

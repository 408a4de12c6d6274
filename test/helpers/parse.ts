// Shared helpers for parser tests: text in, buildout's {section: {key: value}} out.
import { parseProfile } from '../../parser/parse.ts';
import { readSections, type FileSections } from '../../parser/sections.ts';
import type { HeaderNode } from '../../parser/tree.ts';

export function read(
  text: string,
  opts: { repeatedKeys?: 'overwrite' | 'accumulate'; condition?: (h: HeaderNode) => boolean } = {},
): FileSections {
  return readSections(parseProfile(text, 'test.cfg'), {
    repeatedKeys: opts.repeatedKeys ?? 'overwrite',
    condition: opts.condition ?? ((h) => h.condition!.text.trim() !== 'False'),
  });
}

/** The plain dict zc.buildout's configparser.parse would return. */
export function dict(text: string, opts: Parameters<typeof read>[1] = {}): Record<string, Record<string, string>> {
  const result = read(text, opts);
  if (result.errors.length) throw new Error(result.errors.map((e) => `${e.span?.line}: ${e.message}`).join('\n'));
  const out: Record<string, Record<string, string>> = {};
  for (const [name, s] of result.sections) {
    out[name] = {};
    for (const [k, o] of s.options) out[name]![k] = o.value;
  }
  return out;
}

// `<= macro` (docs/buildout-language.md#macros, zc.buildout's
// Options._do_extend_raw): a section starts from the raw options of the
// sections it names (one per line, later ones winning, each expanded by its
// own `<` first), then its own options apply on top, `+=`/`-=` included.
// Values are copied raw: their references are substituted later, in the using
// section.
import type { Section } from './entry.ts';
import { mergeSection } from './merge.ts';
import { pyStrip } from '../python/index.ts';
import { didYouMean } from './suggest.ts';
import { entryKeySpan, entrySpan } from './provenance.ts';
import type { ErrorInit, TrailFrame } from './trail.ts';
import type { BuildoutError } from '../parser/diagnostic.ts';

/** What macro expansion needs from the resolver. */
export interface MacroResolver {
  readonly trail: TrailFrame[];
  error(init: ErrorInit): BuildoutError;
  rawSection(name: string): Section | undefined;
  rawSectionNames(): IterableIterator<string>;
}

/** Expansions of unchanged raw sections, per resolver: a section is expanded once whoever asks (a run, the linter). */
const expansions = new WeakMap<MacroResolver, Map<string, Section>>();

export function expandMacros(buildout: MacroResolver, name: string, own: Section): Section {
  if (own !== buildout.rawSection(name)) return expand(buildout, name, own, []);
  let known = expansions.get(buildout);
  if (!known) expansions.set(buildout, (known = new Map()));
  let out = known.get(name);
  if (!out) known.set(name, (out = expand(buildout, name, own, [])));
  return out;
}

function expand(buildout: MacroResolver, name: string, data: Section, doing: string[]): Section {
  if (name === 'buildout') return data;
  if (doing.includes(name)) {
    const cycle = [...doing.slice(doing.indexOf(name)), name];
    throw buildout.error({
      rule: 'circular-reference',
      message: `Infinite extending loop '${name}' (${cycle.map((s) => `[${s}]`).join(' <= ')})`,
      buildoutMessage: `Infinite extending loop '${name}'`,
      span: data.get('<') ? entryKeySpan(data.get('<')!) : undefined,
    });
  }
  const macro = data.get('<');
  if (!macro) return data;
  doing.push(name);
  buildout.trail.push({ kind: 'macro', section: name });
  try {
    const result: Section = new Map();
    let offset = 0;
    for (const line of macro.value.split('\n')) {
      const start = offset;
      offset += line.length + 1;
      const input = pyStrip(line);
      if (!input) continue;
      const raw = buildout.rawSection(input);
      if (!raw) {
        throw buildout.error({
          rule: 'undefined-section',
          message: `No section named '${input}'`,
          span: entrySpan(macro, start, start + line.length),
          hint: () => didYouMean(input, buildout.rawSectionNames()),
        });
      }
      // a plain dict update: later macros win, keys are not merged
      for (const [k, v] of expand(buildout, input, raw, doing)) result.set(k, v);
    }
    const merged = mergeSection(result, data);
    merged.delete('<');
    return merged;
  } finally {
    buildout.trail.pop();
    doing.pop();
  }
}

// Option keys, apart from the parser: the merge reads them without loading
// the lexer and grammar (chevrotain), which a run whose parses all come
// from the parse cache never needs.
import { pyRstripChars } from '../python/index.ts';
import type { OptionNode } from './tree.ts';

/**
 * What an option key means to the merge step: a key ending in `+` or `-`
 * is an addition or removal for the name left after stripping spaces and
 * that operator character (zc.buildout's `rstrip(' +')`, `rstrip(' -')`).
 */
export function splitKey(key: string): { name: string; operator: OptionNode['operator'] } {
  if (key.endsWith('+')) return { name: pyRstripChars(key, ' +'), operator: '+=' };
  if (key.endsWith('-')) return { name: pyRstripChars(key, ' -'), operator: '-=' };
  return { name: key, operator: '=' };
}

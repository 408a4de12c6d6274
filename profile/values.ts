// The value a consumer (a recipe, a saved .installed.cfg, the resolve
// output) receives. In the SlapOS fork `$${` stands for a literal `${` and
// is unescaped only here, at the end (spec §8.3); elsewhere `$$` stays.
import type { Semantics } from './semantics.ts';

export function consumerValue(semantics: Semantics, value: string): string {
  return semantics.unescapeDollar && value.includes('$${') ? value.replaceAll('$${', '${') : value;
}

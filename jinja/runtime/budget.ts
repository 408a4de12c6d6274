// What one render may spend: Jinja2 itself has no limit (its sandbox caps
// range() at 100,000 items; slapos.recipe.template does not use it), so a
// loop over range(10**12) would run for days and a template could render
// gigabytes. The budget is per top-level render (a template it includes or
// imports shares it); exceeding it is an error of the template.
import { PyException } from '../../python/index.ts';

/** Loop iterations of one render ({% for %} bodies). */
export const MAX_LOOP_ITERATIONS = 5_000_000;
/** Characters one render writes (counted as they are written, captured output included). */
export const MAX_OUTPUT_CHARACTERS = 16 * 1024 * 1024;

let renders = 0;
let iterations = 0;
let characters = 0;

/** A render starts (renders nest: an include, an import). */
export function beginRender(): void {
  if (renders++ === 0) iterations = characters = 0;
}

export function endRender(): void {
  renders--;
}

export function countIteration(): void {
  if (++iterations > MAX_LOOP_ITERATIONS) throw new PyException('RuntimeError', `the template ran more than ${MAX_LOOP_ITERATIONS} loop iterations (a tsbuildout limit)`);
}

export function countOutput(n: number): void {
  characters += n;
  if (characters > MAX_OUTPUT_CHARACTERS) throw new PyException('RuntimeError', `the template wrote an output larger than ${MAX_OUTPUT_CHARACTERS} characters (a tsbuildout limit)`);
}

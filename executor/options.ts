// A part's options as a run saves and compares them: zc.buildout's
// Options.copy() with consumer values (`$${` unescaped in the SlapOS fork),
// without the volatile ones.
import type { Buildout } from '../profile/buildout.ts';
import type { Options } from '../profile/options.ts';
import { consumerValue } from '../profile/values.ts';

export function savedOptions(buildout: Buildout, options: Options): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of options.copy()) {
    if (!options.volatile.has(k)) out.set(k, consumerValue(buildout.semantics, v));
  }
  return out;
}

/** The current options as zc.buildout compares them with the saved ones (every key read through get). */
export function currentOptions(buildout: Buildout, options: Options): Map<string, string> {
  const out = new Map<string, string>();
  for (const k of options.keys()) {
    if (options.volatile.has(k)) continue;
    out.set(k, consumerValue(buildout.semantics, options.require(k)));
  }
  return out;
}

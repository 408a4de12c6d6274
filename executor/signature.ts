// Part signatures (__buildout_signature__:
// docs/buildout-run.md#signatures-and-the-reinstall-decision,
// docs/slapos-fork.md#dependency-hashes-in-signatures). zc.buildout lists the
// recipe's distributions; tsbuildout's recipes are its own code, so the entry
// is `<project>-tsbuildout-<version>`: a new tsbuildout that may install
// differently reinstalls. The SlapOS fork appends `<section>:<md5>` for every
// section the part depends on, so a change in a dependency reinstalls the
// part.
import * as crypto from 'node:crypto';
import type { Buildout } from '../profile/buildout.ts';
import type { Options } from '../profile/options.ts';
import { sortedPy } from '../profile/merge.ts';
import type { RecipeModule } from '../recipes/api.ts';
import type { RecipeSpec } from '../recipes/registry.ts';
import { VERSION } from '../version.ts';
import { savedOptions } from './options.ts';

export function recipeEntry(spec: RecipeSpec): string {
  return `${spec.project}-tsbuildout-${VERSION}`;
}

/** crypto.hash (Node >= 20.12): one call, no Hash object (thousands of sections are hashed in a run). */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

function md5Hex(text: string): string {
  return oneShot ? oneShot('md5', text, 'hex') : crypto.createHash('md5').update(text).digest('hex');
}

/** md5 of a section's options (sorted, volatile ones left out). */
export function sectionHash(buildout: Buildout, options: Options): string {
  const items = savedOptions(buildout, options);
  // one update of the whole text: the digest of the items' JSON, one after the other
  let text = '';
  for (const k of sortedPy(items.keys())) text += '[' + JSON.stringify(k) + ',' + JSON.stringify(items.get(k)) + ']';
  return md5Hex(text);
}

/**
 * `hashes` (optional) keeps section hashes between calls: the caller must
 * drop a section's entry when its options change (a part's signature set).
 * `module`: a recipe that is not tsbuildout's own code (a Python recipe
 * egg) gives its entry itself.
 */
export function partSignature(buildout: Buildout, options: Options, spec: RecipeSpec, hashes?: Map<string, string>, module?: RecipeModule): string {
  const parts = [module?.signature ? module.signature() : recipeEntry(spec)];
  if (buildout.semantics.dependencySignatures) {
    for (const dep of sortedPy(options.dependencies)) {
      let hash = hashes?.get(dep);
      if (hash === undefined) {
        hash = sectionHash(buildout, buildout.section(dep));
        hashes?.set(dep, hash);
      }
      parts.push(`${dep}:${hash}`);
    }
  }
  return parts.join(' ');
}

// tsbuildout's version (kept equal to package.json's).
export const VERSION = '0.1.0';

declare const TSBUILDOUT_BUILD: string | undefined;

/** The parser's build (a hash of its sources, set by build.mjs): caches of parsed files (profile/parse-cache.ts) are only read by the same parser. */
export const BUILD: string = typeof TSBUILDOUT_BUILD === 'string' ? TSBUILDOUT_BUILD : 'source';

// Small helpers shared by rules.
import type { Span } from '../../parser/diagnostic.ts';
import type { ModelReference } from '../model.ts';
import type { Fix } from '../types.ts';

/** `${a:b}` in [owner] option (via macro). */
export function where(r: ModelReference): string {
  return `in [${r.owner}] ${r.option}${r.viaMacro ? ' (from a <= macro)' : ''}`;
}

export function didYouMean(names: string[], quote: (s: string) => string = (s) => `'${s}'`): string | undefined {
  return names.length ? `did you mean ${names.map(quote).join(' or ')}?` : undefined;
}

/** Why a reference is not an error: appended to unverifiable findings. */
export function unsure(why: string | undefined): string {
  return why ? ` (cannot verify: ${why})` : '';
}

/** Fixes replacing a whole span by each suggestion. */
export function replaceBy(span: Span | undefined, texts: string[]): Fix[] | undefined {
  if (!span || span.endLine !== span.line) return undefined;
  return texts.map((text) => ({ title: `Change to ${text}`, edits: [{ span, text }] }));
}

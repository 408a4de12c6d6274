// The trail of what resolution is doing (zc.buildout's "While:" lines) and
// the shape of a located resolution error: shared by the resolver
// (profile/buildout.ts), sections (options.ts) and macros (macros.ts).
import type { Span } from '../parser/diagnostic.ts';

export type TrailFrame =
  | { kind: 'section'; section: string; via?: Via }
  | { kind: 'option'; section: string; option: string }
  | { kind: 'macro'; section: string }
  | { kind: 'step'; text: string };

/** What asked for a section: an option of another section, maybe through a reference. */
export interface Via {
  section: string;
  option: string;
  ref?: string;
  /** Where the reference is written; computed only when an error needs it. */
  locate?: () => Span | undefined;
}

export interface ErrorInit {
  rule: string;
  message: string;
  /** zc.buildout's own wording, when `message` says more. */
  buildoutMessage?: string;
  span?: Span | undefined;
  /** A hint, or a function computing it (did-you-mean is only worth computing for errors shown). */
  hint?: string | (() => string | undefined) | undefined;
}

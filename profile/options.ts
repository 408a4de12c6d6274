// One section during resolution (zc.buildout's Options): its raw entries
// after macro expansion, the values substituted when the section was
// initialised ("cooked"), and the values read or set since ("data").
// Lookups follow zc.buildout exactly, including its quirks: a cooked value
// that still contains `${` is substituted again when read; a section whose
// initialisation failed stays registered.
import { BuildoutError, type Diagnostic } from '../parser/diagnostic.ts';
import { scanTemplate, type Reference } from '../parser/references.ts';
import { pySplitWhitespace } from '../python/index.ts';
import type { Entry, Section } from './entry.ts';
import { expandMacros } from './macros.ts';
import { sortedPy } from './merge.ts';
import { entrySpan, referenceSpan } from './provenance.ts';
import { didYouMean } from './suggest.ts';
import type { ErrorInit, TrailFrame, Via } from './trail.ts';

/**
 * Tolerant resolution (the linter's): a reference that cannot be resolved
 * (missing section or option, circular, malformed) reads as `marker`, an
 * UNKNOWN that flows into every value built from it, and its error is
 * collected instead of thrown.
 */
export interface Tolerance {
  readonly marker: string;
  /** Told of each tolerated error; `error()` builds it (located, with its chain) when the collector wants it. */
  tolerated(error: () => BuildoutError): void;
}

/** What a section needs from the resolver that owns it (profile/buildout.ts's Buildout). */
export interface SectionResolver {
  readonly tolerance?: Tolerance | undefined;
  readonly parts: string[];
  readonly trail: TrailFrame[];
  section(name: string, via?: Via): Options;
  recipeInit(options: Options): void;
  unknownOption(options: Options, option: string): string | undefined;
  /** A located error with the trail that led to it (`trail`: a snapshot taken earlier, default: now). */
  error(init: ErrorInit, trail?: readonly TrailFrame[]): BuildoutError;
  rawSection(name: string): Section | undefined;
  rawSectionNames(): IterableIterator<string>;
}

/**
 * References resolved within references, at most: zc.buildout's own
 * recursion gives out at about 150 (Python's stack), tsbuildout's well
 * beyond 400; past it, a clear error instead of a stack overflow.
 */
export const MAX_REFERENCE_NESTING = 400;
/** The longest value substitution builds (a "billion laughs" doubles at every step). */
export const MAX_VALUE_LENGTH = 16 * 1024 * 1024;

/** How deep references are being resolved now (one process resolves one reference at a time). */
let nesting = 0;

export type SeenKey = string;

/** The options being substituted, innermost last, to detect cycles (in constant time: chains run hundreds deep) and show them. */
export class Seen {
  readonly stack: { key: SeenKey; section: string; option: string }[] = [];
  private readonly keys = new Set<SeenKey>();

  constructor(first?: { key: SeenKey; section: string; option: string }) {
    if (first) this.push(first);
  }

  get length(): number {
    return this.stack.length;
  }

  has(key: SeenKey): boolean {
    return this.keys.has(key);
  }

  push(entry: { key: SeenKey; section: string; option: string }): void {
    this.stack.push(entry);
    this.keys.add(entry.key);
  }

  /** Back to `length` entries (a tolerant resolution goes on after an error). */
  truncate(length: number): void {
    while (this.stack.length > length) this.keys.delete(this.stack.pop()!.key);
  }
}

export class Options {
  /** Raw entries; macros are expanded at initialisation. */
  raw: Section;
  readonly cooked = new Map<string, string>();
  readonly data = new Map<string, string>();
  /** Set by a recipe's init through `set`. */
  readonly recipeSet = new Set<string>();
  /** Values neither saved in .installed.cfg nor compared between runs. */
  readonly volatile = new Set<string>();
  /**
   * Sections this one depends on, other than itself and [buildout]: those
   * its values reference and those its recipe read (the SlapOS fork hashes
   * them into the part's signature:
   * docs/slapos-fork.md#dependency-hashes-in-signatures).
   */
  readonly dependencies = new Set<string>();
  initialised = false;
  failed: BuildoutError | undefined;
  /**
   * Values a recipe computes when an option it does not have is first read,
   * as a dict's `__missing__` (slapos.cookbook's generate.password hashes
   * `passwd-<scheme>` so): kept as volatile values. Undefined: missing.
   */
  computeMissing: ((option: string) => string | undefined) | undefined;

  constructor(
    readonly buildout: SectionResolver,
    readonly name: string,
    raw: Section,
  ) {
    this.raw = raw;
  }

  /** zc.buildout's Options._initialize. */
  initialise(): void {
    const name = this.name;
    if (this.raw.has('<')) this.tolerating(() => (this.raw = expandMacros(this.buildout, name, this.raw)));
    // zc.buildout substitutes every value when the section is initialised;
    // a tolerant resolution (no recipe runs, errors are collected) substitutes
    // each value when it is read, which gives the same values
    if (!this.buildout.tolerance) {
      for (const k of sortedPy(this.raw.keys())) {
        const e = this.raw.get(k)!;
        if (e.value.includes('${')) this.cook(k, e);
      }
    }
    if (name === 'buildout') return;
    for (const dep of pySplitWhitespace(this.get('<part-dependencies>') ?? '')) {
      this.tolerating(() => this.buildout.section(dep, { section: name, option: '<part-dependencies>' }));
    }
    if (this.get('recipe')) {
      this.buildout.recipeInit(this);
      this.buildout.parts.push(name);
    }
  }

  /** Run a step of initialisation; when resolving tolerantly, its error is collected and initialisation goes on. */
  private tolerating(step: () => unknown): void {
    const tolerance = this.buildout.tolerance;
    if (!tolerance) {
      step();
      return;
    }
    try {
      step();
    } catch (e) {
      if (!(e instanceof BuildoutError)) throw e;
      tolerance.tolerated(() => e);
    }
  }

  private cook(option: string, e: Entry): void {
    this.buildout.trail.push({ kind: 'option', section: this.name, option });
    try {
      const seen = new Seen({ key: this.name + '\0' + option, section: this.name, option });
      this.cooked.set(option, this.substitute(e.value, seen, e, option));
    } finally {
      this.buildout.trail.pop();
    }
  }

  /** zc.buildout's Options.get: the value, or undefined when the option does not exist. */
  get(option: string, seen?: Seen): string | undefined {
    const known = this.data.get(option);
    if (known !== undefined) return known;
    let v = this.cooked.get(option);
    const e = this.raw.get(option);
    if (v === undefined) {
      if (!e) {
        const computed = this.computeMissing?.(option);
        if (computed !== undefined) {
          this.data.set(option, computed);
          this.volatile.add(option);
        }
        return computed;
      }
      v = e.value;
    }
    if (v.includes('${')) {
      this.buildout.trail.push({ kind: 'option', section: this.name, option });
      try {
        const key = this.name + '\0' + option;
        if (!seen) seen = new Seen({ key, section: this.name, option });
        else if (seen.has(key)) throw this.circular(seen, option);
        else seen.push({ key, section: this.name, option });
        const depth = seen.length;
        try {
          v = this.substitute(v, seen, this.cooked.has(option) ? undefined : e, option);
        } finally {
          // a tolerant resolution goes on after an error: the stack must be as it was
          seen.truncate(depth - 1);
        }
      } finally {
        this.buildout.trail.pop();
      }
    }
    this.data.set(option, v);
    return v;
  }

  /** zc.buildout's Options.__getitem__: a missing option is an error. */
  require(option: string): string {
    const v = this.get(option) ?? this.buildout.unknownOption(this, option);
    if (v === undefined) {
      throw this.buildout.error({
        rule: 'undefined-option',
        message: `Missing option: ${this.name}:${option}`,
        hint: () => didYouMean(option, this.keys()),
      });
    }
    return v;
  }

  /** A recipe setting a value (stored as is, never substituted). */
  set(option: string, value: string): void {
    this.data.set(option, value);
    this.recipeSet.add(option);
  }

  /** zc.buildout's Options.__delitem__ (pop). */
  remove(option: string): void {
    this.raw.delete(option);
    this.cooked.delete(option);
    this.data.delete(option);
  }

  /**
   * The options as zc.buildout's Options.copy() gives them: raw values
   * updated by the substituted ones and by what was read or set since.
   */
  copy(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [k, e] of this.raw) out.set(k, e.value);
    for (const [k, v] of this.cooked) out.set(k, v);
    for (const [k, v] of this.data) out.set(k, v);
    return out;
  }

  has(option: string): boolean {
    return this.raw.has(option) || this.data.has(option);
  }

  /** Raw keys, then keys only set by recipes (zc.buildout's order). */
  keys(): string[] {
    const out = [...this.raw.keys()];
    for (const k of this.data.keys()) if (!this.raw.has(k)) out.push(k);
    return out;
  }

  /** Substitute `${…}` in any text in the context of this section (template recipes). */
  substituteText(text: string): string {
    return text.includes('${') ? this.substitute(text, new Seen(), undefined, '(template)') : text;
  }

  /**
   * Substitute the references of one value. `$$` escapes are kept, as
   * zc.buildout keeps them; `entry` locates references for errors when the
   * text is the entry's own value.
   */
  private substitute(template: string, seen: Seen, entry: Entry | undefined, option: string): string {
    let out = '';
    for (const seg of scanTemplate(template)) {
      if (typeof seg === 'string') {
        out += seg;
        continue;
      }
      out += this.resolveReference(seg, seen, entry, option);
      if (out.length > MAX_VALUE_LENGTH) {
        throw this.buildout.error({
          rule: 'value-too-long',
          message: `the value of \${${this.name}:${option}} would be longer than ${MAX_VALUE_LENGTH} characters`,
          span: entry ? referenceSpan(entry, seg) : undefined,
          hint: 'references that expand to several copies of each other grow exponentially',
        });
      }
    }
    return out;
  }

  private resolveReference(ref: Reference, seen: Seen, entry: Entry | undefined, option: string): string {
    const tolerance = this.buildout.tolerance;
    if (!tolerance) return this.lookup(ref, seen, entry, option);
    const depth = seen.length;
    try {
      return this.lookup(ref, seen, entry, option);
    } catch (e) {
      if (!(e instanceof BuildoutError)) throw e;
      seen.truncate(depth);
      tolerance.tolerated(() => e);
      return tolerance.marker;
    }
  }

  /** A tolerated error, built only if the collector asks (the common ones are cheap to tolerate). */
  private tolerate(init: () => ErrorInit): string {
    const tolerance = this.buildout.tolerance!;
    const trail = [...this.buildout.trail];
    tolerance.tolerated(() => this.buildout.error(init(), trail));
    return tolerance.marker;
  }

  private lookup(ref: Reference, seen: Seen, entry: Entry | undefined, option: string): string {
    // spans are computed only for errors: replaying a value's history is not free
    const locate = () => (entry ? referenceSpan(entry, ref) : undefined);
    if (ref.problem) throw this.badReference(ref, locate());
    if (nesting >= MAX_REFERENCE_NESTING) {
      throw this.buildout.error({
        rule: 'nesting-limit',
        message: `references nested more than ${MAX_REFERENCE_NESTING} deep (${ref.text} in \${${this.name}:${option}})`,
        span: locate(),
        hint: 'a value that references a value that references … : shorten the chain',
      });
    }
    nesting++;
    try {
      return this.lookupReference(ref, seen, option, locate);
    } finally {
      nesting--;
    }
  }

  private lookupReference(ref: Reference, seen: Seen, option: string, locate: () => Diagnostic['span']): string {
    const section = ref.section || this.name;
    if (this.buildout.tolerance && !this.buildout.rawSection(section)) return this.tolerate(() => undefinedSection(section, locate(), [...this.buildout.rawSectionNames()]));
    const target = this.buildout.section(section, { section: this.name, option, ref: ref.text, locate });
    if (section !== this.name && section !== 'buildout') this.dependencies.add(section);
    const v = target.get(ref.option, seen);
    if (v !== undefined) return v;
    if (ref.option === '_buildout_section_name_') return this.name;
    const unknown = this.buildout.unknownOption(target, ref.option);
    if (unknown !== undefined) return unknown;
    const init = (): ErrorInit => ({
      rule: 'undefined-option',
      message: `Referenced option does not exist: ${section} ${ref.option}`,
      span: locate(),
      hint: () => didYouMean(ref.option, target.keys()),
    });
    if (this.buildout.tolerance) return this.tolerate(init);
    throw this.buildout.error(init());
  }

  private badReference(ref: Reference, span: Diagnostic['span']): BuildoutError {
    const text = {
      'no-colon': `The substitution, ${ref.text},\ndoesn't contain a colon.`,
      'too-many-colons': `The substitution, ${ref.text},\nhas too many colons.`,
      'bad-section': `The section name in substitution, ${ref.text},\nhas invalid characters.`,
      'bad-option': `The option name in substitution, ${ref.text},\nhas invalid characters.`,
    }[ref.problem!];
    return this.buildout.error({
      rule: 'invalid-substitution',
      message: text,
      span,
      hint: 'a reference is ${section:option} (or ${:option}); names use letters, digits, space and - . _',
    });
  }

  private circular(seen: Seen, option: string): BuildoutError {
    const key = this.name + '\0' + option;
    const from = seen.stack.findIndex((s) => s.key === key);
    const path = [...seen.stack.slice(from), { key, section: this.name, option }].map((s) => `\${${s.section}:${s.option}}`);
    const e = this.raw.get(option);
    return this.buildout.error({
      rule: 'circular-reference',
      message: `Circular reference in substitutions: ${path.join(' -> ')}`,
      buildoutMessage: 'Circular reference in substitutions.\n',
      span: e ? entrySpan(e, 0, Math.min(e.value.length, e.value.indexOf('\n') < 0 ? e.value.length : e.value.indexOf('\n'))) : undefined,
    });
  }
}

/** zc.buildout's error for a reference to a section the configuration does not have. */
export function undefinedSection(name: string, span: Diagnostic['span'], known: Iterable<string>): ErrorInit {
  return {
    rule: 'undefined-section',
    message: `The referenced section, '${name}', was not defined.`,
    span,
    hint: () => didYouMean(name, known),
  };
}

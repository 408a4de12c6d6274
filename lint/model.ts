// One linted profile: its files, its merged configuration (assembled by
// the foundation's loader, exactly as buildout runs assemble it), and what
// the rules ask of it: the sections after macro expansion, the references
// with their file positions, which sections buildout would evaluate
// (reached from [buildout] and its parts, as zc.buildout initialises them),
// and whether an option exists, does not, or cannot be known statically.
import { dirname } from 'node:path';
import { BuildoutError, type Diagnostic, type Span } from '../parser/diagnostic.ts';
import { fileOccurrences, type Occurrence } from '../parser/occurrences.ts';
import { scanTemplate, type Reference } from '../parser/references.ts';
import { assemble, type Assembled } from '../profile/assemble.ts';
import { Buildout } from '../profile/buildout.ts';
import type { Entry, Section } from '../profile/entry.ts';
import { expandMacros } from '../profile/macros.ts';
import { entrySpan, referenceSpan } from '../profile/provenance.ts';
import { semantics as semanticsOf, type Semantics, type SemanticsMode } from '../profile/semantics.ts';
import { pySplitWhitespace, pyStrip } from '../python/index.ts';
import { recipeSchema, type RecipeSchema } from './recipe-schema.ts';
import { hasPlaceholder, wildcardPattern } from './template.ts';
import type { Certainty } from './options.ts';
import type { LintFile, LoadEvent, Workspace } from './workspace.ts';

/** The sections slapgrid appends to an instance profile (slapos.core's buildout-tail.cfg.in). */
export const SLAPGRID_TAIL: Readonly<Record<string, readonly string[]>> = {
  'slap-connection': ['computer-id', 'partition-id', 'server-url', 'software-release-url', 'key-file', 'cert-file', 'shared-part-list', 'build-time-part-list', 'requested-state'],
  slap_connection: ['computer_id', 'partition_id', 'server_url', 'software_release_url', 'key_file', 'cert_file'],
  'storage-configuration': ['storage-home'],
  'network-information': ['global-ipv4-network'],
};

/**
 * A profile rendered by slapos.cookbook:switch-softwaretype runs as a
 * sub-buildout given its parent's [slap-configuration], every option of it
 * (switch_softwaretype.py SubBuildout): in a profile that does not compute
 * that section itself (with a recipe), any of its options may exist.
 */
const PARENT_SLAP_CONFIGURATION = 'slap-configuration';
const PASSED_BY_PARENT = 'a switch-softwaretype parent passes its [slap-configuration] with all its options to the profile it renders';

/** What a value that cannot be known reads as in the tolerant resolver. */
export const UNKNOWN = '\uE001';

export interface ModelReference {
  /** The section whose option holds the reference (after macro expansion). */
  owner: string;
  option: string;
  entry: Entry;
  ref: Reference;
  readonly span: Span | undefined;
  /** The target section (the owner for `${:x}`). */
  target: string;
  /** The value came from a macro (`<=`) rather than the owner's own lines. */
  viaMacro: boolean;
  /** A part of the reference is computed by a template. */
  wildcard: boolean;
}

class LazyReference implements ModelReference {
  readonly target: string;
  private located: Span | undefined | null = null;
  constructor(
    readonly owner: string,
    readonly option: string,
    readonly entry: Entry,
    readonly ref: Reference,
    readonly viaMacro: boolean,
    readonly wildcard: boolean,
  ) {
    this.target = ref.section || owner;
  }
  get span(): Span | undefined {
    if (this.located === null) this.located = referenceSpan(this.entry, this.ref);
    return this.located;
  }
}

export interface Expanded {
  section: Section;
  error?: Diagnostic;
}

export type Existence =
  | { status: 'defined' }
  | { status: 'missing'; certainty: Certainty; why?: string }
  | { status: 'unknown'; why: string };

/** What a model knows of one section; every field is made when first asked for. */
export interface SectionFacts {
  expanded?: Expanded;
  /** Substituted values by option (undefined: unknown). */
  values?: Map<string, string | undefined>;
  recipe?: string | null | undefined;
  references?: ModelReference[];
  reaches?: string[];
  readsOwnMissing?: boolean;
  /** What reference-check.ts works out of the section's options (their references, components, cycles, sizes). */
  edges?: unknown;
  components?: unknown;
  cycles?: unknown;
  sizes?: unknown;
  oversized?: unknown;
  /** The options it reads (unknown-recipe-option). */
  uses?: unknown;
  /** Its jinja2 template (jinja-sections.ts; null: it renders none). */
  jinja?: unknown;
}

export class ProfileModel {
  readonly semantics: Semantics;
  assembled: Assembled | undefined;
  buildout: Buildout | undefined;
  /** The same configuration resolved tolerantly (values: value()); no recipe runs. */
  resolver: Buildout | undefined;
  /** The errors that resolution tolerated, each built when asked. */
  readonly tolerated: (() => BuildoutError)[] = [];
  /** Errors that stopped the loader (an extends cycle, …): the merged configuration is missing. */
  loadErrors: Diagnostic[] = [];
  events: LoadEvent[] = [];
  /** The files of this profile, in the order they were opened. */
  files: LintFile[] = [];
  /** Why some checks cannot be sure (missing or remote extends, computed extends). */
  incomplete: string[] = [];
  /** The file and extends entry that brought each file in. */
  includedBy = new Map<string, import('../profile/files.ts').Includer>();
  /**
   * What is known of each section, by section: all of it derives from the
   * section, its macros and what its values reference (carry.ts hands it to
   * the next model of the same root when none of those changed).
   */
  readonly known = new Map<string, SectionFacts>();
  private reachedCache: Set<string> | undefined;
  private referencesCache: ModelReference[] | undefined;
  private wildcards: RegExp[] | undefined;
  private macroBasesCache: Set<string> | undefined;

  /** The workspace's count of files changed on disk when the model was made. */
  readonly diskChanges: number;

  constructor(
    readonly workspace: Workspace,
    readonly root: LintFile,
    readonly mode: SemanticsMode,
  ) {
    this.semantics = semanticsOf(mode);
    this.diskChanges = workspace.diskChanges;
  }

  /** How a file was reached from the root: `extended by FILE:LINE:COL` lines, innermost first. */
  extendsChain(file: string): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    for (let inc = this.includedBy.get(file); inc && !seen.has(inc.file); inc = this.includedBy.get(inc.file)) {
      seen.add(inc.file);
      out.push(`extended by ${inc.file}${inc.span ? `:${inc.span.line}:${inc.span.column}` : ''}`);
    }
    return out;
  }

  get isTemplate(): boolean {
    return this.root.kind === 'template';
  }

  /** A template whose rendering may add any section (computed extends, `{{ }}` lines, includes). */
  get open(): boolean {
    return this.files.some((f) => (f.template?.openLines.size ?? 0) > 0) || this.incomplete.length > 0;
  }

  get complete(): boolean {
    return this.incomplete.length === 0 && this.loadErrors.length === 0;
  }

  /** The merged raw configuration (empty when the loader stopped). */
  get raw(): Map<string, Section> {
    return this.assembled?.raw ?? new Map();
  }

  private names: readonly string[] | undefined;

  /** The sections, in order (made once: the merged configuration does not change after assembly). */
  sectionNames(): readonly string[] {
    return (this.names ??= [...this.raw.keys()]);
  }

  /** Sections named by a template expression (`[x-{{ k }}]`). */
  wildcardSections(): RegExp[] {
    this.wildcards ??= this.sectionNames().filter(hasPlaceholder).map(wildcardPattern);
    return this.wildcards;
  }

  /**
   * Rules' reports by section and rule (RuleContext.section): they read the
   * profile as a whole besides the section, so the next model takes them
   * only when that did not change either (carry.ts).
   */
  readonly reports = new Map<string, Map<string, readonly unknown[]>>();

  keptReports<T>(name: string, key: string): readonly T[] | undefined {
    return this.reports.get(name)?.get(key) as readonly T[] | undefined;
  }

  keepReports(name: string, key: string, reports: readonly unknown[]): void {
    let m = this.reports.get(name);
    if (!m) this.reports.set(name, (m = new Map()));
    m.set(key, reports);
  }

  /** The facts kept of a section (made on first use). */
  facts(name: string): SectionFacts {
    let f = this.known.get(name);
    if (!f) this.known.set(name, (f = {}));
    return f;
  }

  /** The section after `<=` macro expansion (what zc.buildout initialises). */
  expanded(name: string): Expanded | undefined {
    const raw = this.raw.get(name);
    if (!raw) return undefined;
    const facts = this.facts(name);
    if (facts.expanded) return facts.expanded;
    let result: Expanded;
    if (!raw.has('<') || !this.buildout) result = { section: raw };
    else if (hasPlaceholder(raw.get('<')!.value)) {
      result = { section: raw, error: { severity: 'info', rule: 'unknown', message: 'its <= macro is computed by the template' } };
    } else {
      try {
        // the resolver's expansion, shared with value()
        result = { section: expandMacros(this.resolver ?? this.buildout, name, raw) };
      } catch (e) {
        if (!(e instanceof BuildoutError)) throw e;
        this.buildout.trail.length = 0;
        if (this.resolver) this.resolver.trail.length = 0;
        result = { section: raw, error: e.primary };
      }
    }
    facts.expanded = result;
    return result;
  }

  /** Sections some other section uses as a macro (`<= name`). */
  macroBases(): Set<string> {
    if (this.macroBasesCache) return this.macroBasesCache;
    const out = new Set<string>();
    for (const s of this.raw.values()) {
      const m = s.get('<');
      if (m) for (const line of m.value.split('\n')) if (pyStrip(line)) out.add(pyStrip(line));
    }
    return (this.macroBasesCache = out);
  }

  private readonly abstractCache = new Map<string, boolean>();

  /**
   * A section written to be completed by others, that nothing evaluates as
   * is: a macro base, or a section reading its own options that it does
   * not set (`${:version}`, filled in by whoever extends it). The sections
   * that use it are checked instead.
   */
  isAbstract(name: string): boolean {
    const known = this.abstractCache.get(name);
    if (known !== undefined) return known;
    const abstract = !this.reached().has(name) && (this.macroBases().has(name) || this.readsOwnMissing(name));
    this.abstractCache.set(name, abstract);
    return abstract;
  }

  /** Does a section read one of its own options that it does not set (`${:version}`)? */
  private readsOwnMissing(name: string): boolean {
    const facts = this.raw.has(name) ? this.facts(name) : undefined;
    if (facts?.readsOwnMissing !== undefined) return facts.readsOwnMissing;
    let out = false;
    const section = this.expanded(name)?.section;
    if (section) {
      outer: for (const e of section.values()) {
        if (!e.value.includes('${')) continue;
        for (const seg of scanTemplate(e.value)) {
          if (typeof seg === 'string' || seg.problem || (seg.section && seg.section !== name)) continue;
          if (!section.has(seg.option) && seg.option !== '_buildout_section_name_' && seg.option !== '_profile_base_location_') {
            out = true;
            break outer;
          }
        }
      }
    }
    if (facts) facts.readsOwnMissing = out;
    return out;
  }

  /** The recipe of a section: its value, '' when empty, undefined when absent, null when computed. */
  recipe(name: string): string | null | undefined {
    if (!this.raw.has(name)) return undefined;
    const facts = this.facts(name);
    if ('recipe' in facts) return facts.recipe;
    const r = this.computeRecipe(name);
    facts.recipe = r;
    return r;
  }

  private computeRecipe(name: string): string | null | undefined {
    const e = this.expanded(name)?.section.get('recipe');
    if (!e) return undefined;
    const v = pyStrip(e.value);
    if (v.includes('${') || hasPlaceholder(v)) {
      const sub = this.value(name, 'recipe');
      return sub === undefined ? null : pyStrip(sub);
    }
    return v;
  }

  schema(name: string): RecipeSchema | undefined {
    const r = this.recipe(name);
    return r ? recipeSchema(r) : undefined;
  }

  /**
   * The substituted value of an option as buildout would compute it
   * without running recipes (the resolver's own rules, resolving
   * tolerantly); undefined when it depends on something unknown (a value a
   * recipe sets, a template expression, an error).
   */
  value(section: string, option: string): string | undefined {
    if (!this.raw.has(section)) return undefined;
    const values = (this.facts(section).values ??= new Map());
    if (values.has(option)) return values.get(option);
    let out: string | undefined;
    if (this.resolver) {
      try {
        out = this.resolver.section(section).get(option);
      } catch (e) {
        if (!(e instanceof BuildoutError)) throw e;
      }
      if (out === undefined && option === '_buildout_section_name_') out = section;
      if (out !== undefined && (out.includes(UNKNOWN) || hasPlaceholder(out))) out = undefined;
    }
    values.set(option, out);
    return out;
  }

  /** Every `${…}` of every section (after macro expansion), located. */
  references(): ModelReference[] {
    if (this.referencesCache) return this.referencesCache;
    const out: ModelReference[] = [];
    for (const name of this.raw.keys()) for (const r of this.ownReferences(name)) out.push(r);
    return (this.referencesCache = out);
  }

  /** The `${…}` of one section (after macro expansion), located. */
  ownReferences(name: string): ModelReference[] {
    const raw = this.raw.get(name);
    if (!raw) return [];
    const facts = this.facts(name);
    if (facts.references) return facts.references;
    const out: ModelReference[] = [];
    const section = this.expanded(name)?.section ?? raw;
    for (const [option, entry] of section) {
      if (!entry.value.includes('${')) continue;
      const viaMacro = raw.get(option) !== entry && section !== raw;
      for (const seg of scanTemplate(entry.value)) {
        if (typeof seg === 'string') continue;
        out.push(new LazyReference(name, option, entry, seg, viaMacro, hasPlaceholder(seg.text) || hasPlaceholder(name)));
      }
    }
    return (facts.references = out);
  }

  /** The sections zc.buildout initialises for this profile: [buildout], the versions section, the parts and everything they reference. */
  reached(): Set<string> {
    if (this.reachedCache) return this.reachedCache;
    const reached = new Set<string>();
    const queue: string[] = [];
    const add = (name: string) => {
      if (hasPlaceholder(name)) {
        const re = wildcardPattern(name);
        for (const s of this.raw.keys()) if (re.test(s) && !reached.has(s)) {
          reached.add(s);
          queue.push(s);
        }
        return;
      }
      if (reached.has(name) || !this.raw.has(name)) return;
      reached.add(name);
      queue.push(name);
    };
    add('buildout');
    const versions = this.value('buildout', 'versions');
    if (versions) add(pyStrip(versions));
    for (const p of this.parts()) add(p);
    while (queue.length) for (const to of this.reaches(queue.pop()!)) add(to);
    return (this.reachedCache = reached);
  }

  /** The sections a section makes buildout initialise: those it references, its `<part-dependencies>`, the sections its recipe reads. */
  private reaches(name: string): string[] {
    const facts = this.facts(name);
    if (facts.reaches) return facts.reaches;
    const out: string[] = [];
    for (const r of this.ownReferences(name)) if (!r.ref.problem) out.push(r.target);
    const deps = this.value(name, '<part-dependencies>') ?? this.expanded(name)?.section.get('<part-dependencies>')?.value ?? '';
    for (const d of pySplitWhitespace(deps)) out.push(d);
    const schema = this.schema(name);
    if (schema) {
      for (const s of schema.sectionReferences(this.optionReader(name))) {
        if (s.kind === undefined || s.kind === 'key' || s.kind === 'jsonkey' || s.kind === 'section') out.push(s.section || name);
      }
    }
    return (facts.reaches = out);
  }

  /** The entries of `[buildout] parts`, as far as they are known. */
  parts(): string[] {
    const v = this.value('buildout', 'parts') ?? this.raw.get('buildout')?.get('parts')?.value ?? '';
    return pySplitWhitespace(v).filter((p) => !p.includes('${'));
  }

  /** The entries of `[buildout] parts`, each located where it was written (when the value has no ${…}). */
  partEntries(): { name: string; span?: Span }[] {
    const e = this.raw.get('buildout')?.get('parts');
    if (!e) return [];
    if (e.value.includes('${')) return this.parts().map((name) => ({ name }));
    const out: { name: string; span?: Span }[] = [];
    const re = /\S+/g;
    for (let m = re.exec(e.value); m; m = re.exec(e.value)) {
      const span = entrySpan(e, m.index, m.index + m[0].length);
      out.push(span ? { name: m[0], span } : { name: m[0] });
    }
    return out;
  }

  /** Read a section's options for a recipe schema (substituted where known). */
  optionReader(section: string): (option: string) => { value: string | undefined; raw: string | undefined; entry: Entry | undefined } {
    return (option) => {
      const entry = this.expanded(section)?.section.get(option);
      return { value: this.value(section, option), raw: entry?.value, entry };
    };
  }

  /** How sure a finding located in a section can be: does buildout evaluate that section? */
  certaintyIn(section: string): Certainty {
    if (this.isTemplate) return 'weaker';
    return this.reached().has(section) ? 'definite' : 'weaker';
  }

  /** Does a section exist (or may it, in a template or an incomplete profile)? */
  sectionExistence(name: string): Existence {
    if (this.raw.has(name)) return { status: 'defined' };
    if (hasPlaceholder(name)) return { status: 'unknown', why: 'the section name is computed by the template' };
    if (this.wildcardSections().some((re) => re.test(name))) return { status: 'unknown', why: 'a section named by a template expression may be this one' };
    if (name in SLAPGRID_TAIL) return { status: 'unknown', why: `slapgrid appends [${name}] to instance profiles` };
    if (name === PARENT_SLAP_CONFIGURATION) return { status: 'unknown', why: PASSED_BY_PARENT };
    if (this.incomplete.length) return { status: 'unknown', why: this.incomplete[0]! };
    if (this.isTemplate) return { status: 'unknown', why: 'a template may rely on sections of the profile that includes or extends it' };
    return { status: 'missing', certainty: 'definite' };
  }

  /** Is a position in a maybe-present block of a template? */
  isMaybe(span: Span | undefined): boolean {
    if (!span) return false;
    return this.workspace.peek(span.file)?.template?.maybeLines.has(span.line) ?? false;
  }

  /** Does `${section:option}` exist once the section is initialised? */
  optionExistence(section: string, option: string): Existence {
    const ex = this.expanded(section);
    if (!ex) {
      const tail = SLAPGRID_TAIL[section];
      if (tail) return tail.includes(option) ? { status: 'defined' } : { status: 'missing', certainty: 'weaker', why: `slapgrid's [${section}] has no such option` };
      if (section === PARENT_SLAP_CONFIGURATION) return { status: 'unknown', why: PASSED_BY_PARENT };
      return { status: 'unknown', why: 'the section is not defined' };
    }
    if (ex.section.has(option) || option === '_buildout_section_name_') return { status: 'defined' };
    const tail = SLAPGRID_TAIL[section];
    if (tail?.includes(option)) return { status: 'defined' };
    if (ex.error) return { status: 'unknown', why: `[${section}] cannot be expanded: ${ex.error.message}` };
    for (const k of ex.section.keys()) if (hasPlaceholder(k) && wildcardPattern(k).test(option)) return { status: 'unknown', why: 'an option name is computed by the template' };
    if (hasPlaceholder(section)) return { status: 'unknown', why: 'the section name is computed by the template' };
    if (this.wildcardSections().some((re) => re.test(section))) return { status: 'unknown', why: 'a section named by a template expression may define it' };
    if (section === 'buildout') {
      const ext = this.value('buildout', 'extensions') ?? ex.section.get('extensions')?.value ?? '';
      if (pyStrip(ext)) return { status: 'unknown', why: `buildout extensions (${pySplitWhitespace(ext).join(', ')}) may set [buildout] options` };
    }
    const recipe = this.recipe(section);
    if (recipe === null) return { status: 'unknown', why: `the recipe of [${section}] is computed` };
    if (!recipe && section === PARENT_SLAP_CONFIGURATION) return { status: 'unknown', why: PASSED_BY_PARENT };
    if (recipe) {
      const schema = recipeSchema(recipe);
      if (!schema) return { status: 'unknown', why: `[${section}] uses the recipe ${recipe}, whose options tsbuildout does not know; it may set ${option}` };
      const gen = schema.generates(option, this.optionReader(section));
      if (gen === true) return { status: 'defined' };
      if (gen !== false) return { status: 'unknown', why: gen };
    }
    if (this.incomplete.length) return { status: 'unknown', why: this.incomplete[0]! };
    if (this.isTemplate && this.open) return { status: 'unknown', why: 'the template may produce more lines' };
    return { status: 'missing', certainty: 'definite' };
  }
}

/**
 * Where the files of a profile name a section or an option (parser/occurrences.ts),
 * at file positions: what references and rename change.
 */
export interface NameOccurrences {
  occurrences: Occurrence[];
  /** Names built by a template (`[x-{{ k }}]`, `${x-{{ k }}:url}`) that may be this one: a rename would miss them. */
  dynamic: Occurrence[];
}

const occurrenceCache = new WeakMap<ProfileModel, Occurrence[]>();

/** Every occurrence in the files of a profile, masked templates mapped back to file positions. */
export function profileOccurrences(model: ProfileModel): Occurrence[] {
  const known = occurrenceCache.get(model);
  if (known) return known;
  const out: Occurrence[] = [];
  const unmask = (s: Span | undefined) => (s ? model.workspace.unmask(s) : undefined);
  if (model.assembled) out.push(...recipeOccurrences(model));
  for (const f of model.files.length ? model.files : [model.root]) {
    for (const o of fileOccurrences(f.tree)) {
      if (!f.template) out.push(o);
      else {
        const m: Occurrence = { ...o, span: unmask(o.span)! };
        if (o.sectionSpan) m.sectionSpan = unmask(o.sectionSpan)!;
        if (o.optionSpan) m.optionSpan = unmask(o.optionSpan)!;
        out.push(m);
      }
    }
  }
  occurrenceCache.set(model, out);
  return out;
}

/** Sections and options named by recipe options (a jinja2 part's `context`), located where their text is exact. */
function recipeOccurrences(model: ProfileModel): Occurrence[] {
  const out = new Map<string, Occurrence>();
  for (const name of model.sectionNames()) {
    if (hasPlaceholder(name)) continue;
    const schema = model.schema(name);
    if (!schema?.spec.sectionOptions) continue;
    const section = model.expanded(name)!.section;
    for (const use of schema.sectionReferences(model.optionReader(name))) {
      const entry = section.get(use.from);
      if (!entry || use.start === undefined || use.end === undefined) continue;
      const target = use.section || name;
      const sectionSpan = use.section ? entrySpan(entry, use.start, use.start + use.section.length) : undefined;
      const span = entrySpan(entry, use.start, use.end);
      if (!span) continue;
      const o: Occurrence = { kind: 'recipe', section: target, owner: name, span: model.workspace.unmask(span) };
      if (sectionSpan) o.sectionSpan = model.workspace.unmask(sectionSpan);
      if (use.option !== undefined) {
        o.option = use.option;
        const optionSpan = entrySpan(entry, use.end - use.option.length, use.end);
        if (optionSpan) o.optionSpan = model.workspace.unmask(optionSpan);
      }
      out.set(`${span.file}\0${span.line}\0${span.column}`, o);
    }
  }
  return [...out.values()];
}

function mayName(pattern: string, name: string): boolean {
  return hasPlaceholder(pattern) && wildcardPattern(pattern).test(name);
}

/** Where a section is named: its headers, references to it, `<=`, `parts`, `<part-dependencies>`. */
export function sectionOccurrences(model: ProfileModel, section: string): NameOccurrences {
  const occurrences: Occurrence[] = [];
  const dynamic: Occurrence[] = [];
  for (const o of profileOccurrences(model)) {
    if (o.kind === 'key') continue;
    if ((o.kind === 'reference' || o.kind === 'recipe') && !o.sectionSpan) continue;
    if (o.section === section) occurrences.push(o);
    else if (mayName(o.section, section)) dynamic.push(o);
  }
  return { occurrences, dynamic };
}

/**
 * Where an option of a section is named: its keys and references, in the
 * section and in the sections sharing options with it through `<=` (a
 * macro's option is the option of every section using it).
 */
export function optionOccurrences(model: ProfileModel, section: string, option: string): NameOccurrences {
  const family = macroFamily(model, section);
  const occurrences: Occurrence[] = [];
  const dynamic: Occurrence[] = [];
  for (const o of profileOccurrences(model)) {
    if (o.kind !== 'key' && o.kind !== 'reference' && !(o.kind === 'recipe' && o.option !== undefined)) continue;
    const inFamily = family.has(o.section);
    if (inFamily && o.option === option) occurrences.push(o);
    else if ((inFamily || mayName(o.section, section)) && (o.option === option || mayName(o.option ?? '', option))) dynamic.push(o);
  }
  return { occurrences, dynamic };
}

/** The sections linked to one by `<=`, either way. */
function macroFamily(model: ProfileModel, section: string): Set<string> {
  const links = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    let l = links.get(a);
    if (!l) links.set(a, (l = []));
    l.push(b);
  };
  for (const [name, raw] of model.raw) {
    const m = raw.get('<');
    if (!m) continue;
    for (const line of m.value.split('\n')) {
      const base = pyStrip(line);
      if (base) (link(name, base), link(base, name));
    }
  }
  const family = new Set([section]);
  const todo = [section];
  while (todo.length) for (const n of links.get(todo.pop()!) ?? []) if (!family.has(n)) (family.add(n), todo.push(n));
  return family;
}

/** Assemble one profile with the foundation's loader, tolerantly. */
export async function buildModel(workspace: Workspace, root: LintFile, mode: SemanticsMode): Promise<ProfileModel> {
  const model = new ProfileModel(workspace, root, mode);
  const files = workspace.loader(mode, true);
  try {
    model.assembled = await assemble({
      config: root.path,
      cwd: dirname(root.path),
      semantics: mode,
      userDefaults: false,
      assignments: [],
      executable: workspace.options.executable,
      conditions: workspace.conditions(model.semantics),
      files,
      env: {},
    });
    model.buildout = new Buildout(model.assembled);
    model.resolver = new Buildout(model.assembled, undefined, { marker: UNKNOWN, tolerated: (e) => model.tolerated.push(e) });
  } catch (e) {
    if (!(e instanceof BuildoutError)) throw e;
    model.loadErrors = e.diagnostics;
  }
  model.events = files.events;
  model.files = files.opened;
  model.includedBy = files.includedBy;
  for (const ev of files.events) {
    if (ev.location.name.includes('\uE000')) model.incomplete.push('the template computes its extends');
    else if (ev.kind === 'missing') model.incomplete.push(`the extends file ${ev.location.name} is missing`);
    else if (ev.kind === 'remote') model.incomplete.push(`the remote extends file ${ev.location.name} was not fetched (lint works offline)`);
    else model.incomplete.push(`${ev.location.name} cannot be read`);
  }
  return model;
}

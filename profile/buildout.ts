// Resolution (zc.buildout's Buildout after assembly): sections are
// initialised lazily, on first access, and a section with a recipe becomes
// a part when its initialisation finishes — that order is the install
// order. The trail of what is being done makes errors explain how a value
// was reached, like zc.buildout's "While:" lines, with locations.
import { BuildoutError, type Diagnostic } from '../parser/diagnostic.ts';
import { pyJoin } from './location.ts';
import { pySplitWhitespace, strRepr } from '../python/index.ts';
import type { PythonFacts, TargetEnvironment } from './environment.ts';
import type { Assembled } from './assemble.ts';
import { defaultOptionNames } from './assemble.ts';
import { entry, type Section } from './entry.ts';
import { Options, undefinedSection, type SectionResolver, type Tolerance } from './options.ts';
import type { ErrorInit, TrailFrame, Via } from './trail.ts';

export type { ErrorInit, TrailFrame, Via } from './trail.ts';

/** Recipes plug in here: a section with a recipe is initialised by it (later issues). */
export interface RecipeHost {
  init(options: Options, buildout: Buildout): void;
  /**
   * A value for an option a section does not have, when its recipe's init
   * was not run (dry inspection: what it would set is unknown). Undefined:
   * the option is missing, as usual.
   */
  unknownOption?(options: Options, option: string): string | undefined;
}


export class Buildout implements SectionResolver {
  /** Sections accessed so far (zc.buildout's _data), in access order. */
  readonly sections = new Map<string, Options>();
  /** Sections with a recipe, in the order their initialisation finished. */
  readonly parts: string[] = [];
  readonly trail: TrailFrame[] = [];
  /** Told of every section access and what asked for it (inspection records dependency edges). */
  observe: ((name: string, via: Via | undefined) => void) | undefined;

  private readonly recipes: RecipeHost | undefined;

  /**
   * `recipes`: the host, or a function making it for this Buildout (a run's
   * runtime needs its buildout). `tolerance`: resolve tolerantly (see
   * Tolerance in options.ts).
   */
  /** The interpreter and machine the profile targets (loadBuildout sets it), for `abi-tag-eggs`. */
  environment: TargetEnvironment | undefined;

  constructor(
    readonly assembled: Assembled,
    recipes?: RecipeHost | ((buildout: Buildout) => RecipeHost),
    readonly tolerance?: Tolerance,
  ) {
    this.recipes = typeof recipes === 'function' ? recipes(this) : recipes;
  }

  get semantics() {
    return this.assembled.semantics;
  }

  rawSection(name: string): Section | undefined {
    return this.assembled.raw.get(name);
  }

  rawSectionNames(): IterableIterator<string> {
    return this.assembled.raw.keys();
  }

  /** zc.buildout's Buildout.__getitem__. */
  section(name: string, via?: Via): Options {
    this.observe?.(name, via);
    const known = this.sections.get(name);
    if (known) return known;
    const raw = this.assembled.raw.get(name);
    if (!raw) {
      const e = this.error(undefinedSection(name, via?.locate?.(), this.assembled.raw.keys()));
      // Buildout.__getitem__'s __doing__ is in its MissingSection's traceback
      e.primary.doing = [...(e.primary.doing ?? []), `Getting section ${name}.`];
      throw e;
    }
    const options = new Options(this, name, raw);
    // registered before initialisation: a failed section stays accessible
    this.sections.set(name, options);
    this.trail.push(via ? { kind: 'section', section: name, via } : { kind: 'section', section: name });
    try {
      options.initialise();
      options.initialised = true;
    } catch (e) {
      if (e instanceof BuildoutError) options.failed = e;
      throw e;
    } finally {
      this.trail.pop();
    }
    return options;
  }

  /**
   * zc.buildout's Buildout.parse(), which recipes call: the sections of a
   * configuration text (already dedented) are added, then initialised in
   * order (a section with a recipe becomes a part). A section that exists
   * already is refused (SectionExistsError) and nothing is added.
   */
  parse(text: string, name: string): string[] {
    const read = this.assembled.files.parseText(text, name);
    if (read.errors.length) throw new BuildoutError(read.errors.map((d) => ({ ...d, chain: this.describeTrail() })));
    const names = [...read.sections.keys()];
    for (const n of names) if (this.assembled.raw.has(n)) throw new SectionExistsError(n);
    for (const [n, fs] of read.sections) {
      const section: Section = new Map();
      for (const [k, o] of fs.options) section.set(k, entry(o.value, name, o));
      this.assembled.raw.set(n, section);
    }
    for (const n of names) this.section(n);
    return names;
  }

  recipeInit(options: Options): void {
    this.recipes?.init(options, this);
  }

  /** See RecipeHost.unknownOption. */
  unknownOption(options: Options, option: string): string | undefined {
    return this.recipes?.unknownOption?.(options, option);
  }

  /** A located error, with the trail that led to it. */
  error(init: ErrorInit, trail: readonly TrailFrame[] = this.trail): BuildoutError {
    const d: Diagnostic = { severity: 'error', rule: init.rule, message: init.message };
    if (init.span) d.span = init.span;
    if (typeof init.hint === 'function') {
      const compute = init.hint;
      let cached: string | undefined | null = null;
      Object.defineProperty(d, 'hint', {
        enumerable: true,
        configurable: true,
        get: () => (cached === null ? (cached = compute()) : cached),
      });
    } else if (init.hint) d.hint = init.hint;
    if (init.buildoutMessage) d.buildoutMessage = init.buildoutMessage;
    const chain = this.describeTrail(trail);
    if (chain.length) d.chain = chain;
    const doing = this.describeDoing(trail);
    if (doing.length) d.doing = doing;
    return new BuildoutError(d);
  }

  /**
   * The trail in zc.buildout's own words (its `__doing__`s: buildout.py
   * Buildout.__getitem__, Options._initialize, Options.get): a section
   * being got is being initialised.
   */
  describeDoing(trail: readonly TrailFrame[] = this.trail): string[] {
    const out: string[] = [];
    for (const f of trail) {
      if (f.kind === 'step') out.push(f.text);
      else if (f.kind === 'section') out.push(`Getting section ${f.section}.`, `Initializing section ${f.section}.`);
      else if (f.kind === 'option') out.push(`Getting option ${f.section}:${f.option}.`);
      else out.push(`Loading input sections for ${strRepr(f.section)}`);
    }
    return out;
  }

  /** The trail as lines, outermost first, in zc.buildout's words. */
  describeTrail(trail: readonly TrailFrame[] = this.trail): string[] {
    const out: string[] = [];
    for (const f of trail) {
      switch (f.kind) {
        case 'step':
          out.push(f.text);
          break;
        case 'section': {
          const by = f.via ? ` (${f.via.ref ? `referenced as ${f.via.ref} in ${f.via.option}` : `listed in ${f.via.option}`} by [${f.via.section}])` : '';
          out.push(`Getting section ${f.section}${by}.`);
          break;
        }
        case 'option':
          out.push(`Getting option ${f.section}:${f.option}.`);
          break;
        case 'macro':
          out.push(`Loading input sections for '${f.section}'.`);
          break;
      }
    }
    return out;
  }

  /**
   * The end of zc.buildout's Buildout.__init__: initialise [buildout] and
   * [versions], make directories absolute, validate the options buildout
   * itself reads. Throws what zc.buildout would raise at that point.
   */
  initialise(): void {
    this.trail.push({ kind: 'step', text: 'Initializing.' });
    try {
      const raw = this.assembled.raw.get('buildout')!;
      const offline = boolOption(this, raw.get('offline')?.value, 'offline');
      if (!offline) boolOption(this, raw.get('newest')?.value, 'newest');
      const options = this.section('buildout');
      const dir = options.require('directory');
      for (const name of ['bin', 'parts', 'eggs', 'develop-eggs']) {
        const key = name + '-directory';
        const v = options.require(key);
        options.set(key, v.includes('${') ? v : pyJoin(dir, v));
      }
      const installed = options.require('installed');
      if (installed) options.set('installed', pyJoin(options.require('directory'), installed));
      this.checkLogging(options);
      const versions = raw.get('versions')?.value;
      if (versions) this.section(versions, { section: 'buildout', option: 'versions' });
      options.require('versions');
      for (const name of ['prefer-final', 'use-dependency-links', 'allow-picked-versions', 'show-picked-versions']) {
        boolOption(this, options.require(name), name);
      }
      options.require('update-versions-file');
      options.get('download-cache');
      options.get('extends-cache');
      // eggs of one interpreter ABI apart (docs/buildout-language.md#normalisation-after-merging)
      if (boolOption(this, options.get('abi-tag-eggs') ?? 'false', 'abi-tag-eggs')) {
        options.set('eggs-directory', pyJoin(options.require('eggs-directory'), abiTag(this.environment?.pythonFacts())));
      }
      if (boolOption(this, options.require('install-from-cache'), 'install-from-cache') && boolOption(this, options.require('offline'), 'offline')) {
        throw this.error({
          rule: 'invalid-option',
          message:
            "install-from-cache can't be used with offline mode.\nNothing is installed, even from cache, in offline\nmode, which might better be called 'no-install mode'.\n",
        });
      }
      for (const name of defaultOptionNames(this.semantics)) options.require(name);
    } finally {
      this.trail.pop();
    }
  }

  private checkLogging(options: Options): void {
    options.require('log-format');
    const level = options.require('log-level');
    if (!['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'].includes(level) && !isPyInt(level)) {
      throw this.error({ rule: 'invalid-option', message: `Invalid logging level ${level}` });
    }
    const verbosity = options.get('verbosity');
    if (verbosity !== undefined && !isPyInt(verbosity)) {
      throw this.error({ rule: 'invalid-option', message: `Invalid verbosity ${verbosity}` });
    }
    const timeout = options.require('socket-timeout');
    if (timeout !== '' && !isPyInt(timeout)) {
      // zc.buildout only warns
    }
  }

  /** zc.buildout's log level: [buildout] log-level (a name or a number) less [buildout] verbosity (each -v adds 10). */
  logLevel(): number {
    const b = this.section('buildout');
    const names: Record<string, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 };
    const text = (b.get('log-level') ?? 'INFO').trim();
    const level = names[text] ?? (Number.parseInt(text, 10) || 20);
    return level - (Number.parseInt(b.get('verbosity') ?? '0', 10) || 0);
  }

  /** `parts`, evaluated: each listed section is accessed in order (implicit parts join). */
  evaluateParts(): string[] {
    const parts = this.section('buildout').require('parts');
    for (const p of pySplitWhitespace(parts)) this.section(p, { section: 'buildout', option: 'parts' });
    return [...this.parts];
  }
}

/** Buildout.parse() of a section that exists (zc.buildout: KeyError("Section already exists", name)). */
export class SectionExistsError extends Error {
  constructor(readonly section: string) {
    super(`Section already exists: ${section}`);
  }
}

/**
 * zc.buildout's pep425tags.get_abi_tag() for an interpreter: CPython's
 * SOABI `cpython-311-…` gives cp311, PyPy's `pypy39-pp73-…` pypy39_pp73.
 */
export function abiTag(py: PythonFacts | undefined): string {
  const [major, minor] = py?.version ?? [3, 11];
  return py?.implementation === 'pypy' ? `pypy${major}${minor}_pp73` : `cp${major}${minor}`;
}

/** int() of a string, as Python accepts it. */
export function isPyInt(s: string): boolean {
  return /^[\s]*[+-]?(\d+(_\d+)*)[\s]*$/.test(s);
}

function boolOption(b: Buildout, value: string | undefined, name: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value === undefined) throw b.error({ rule: 'undefined-option', message: `Missing option: buildout:${name}` });
  throw b.error({ rule: 'invalid-option', message: `Invalid value for '${name}' option: '${value}'` });
}

// Following `extends`: one file's sections become a layer of annotated
// entries, and layers are merged in the order of the semantics
// (docs/buildout-language.md#extends-entries,
// docs/buildout-language.md#nested-extends,
// docs/buildout-language.md#flattened-extends): nested results (zc.buildout ≤
// 3.0.x, with the SlapOS fork applying each file once), or one flattened fold
// (≥ 3.1.1).
//
// Speed: a file's nested result does not depend on the path that reached
// it, so it is computed once and shared (entries are immutable; a shared
// result is cloned before it is merged into). Flattened lists are kept per
// file too, as one composed transform (flatten.ts). Each file is parsed
// once (files.ts). A reader that outlives one load (an editor's workspace)
// may keep each file's extends merge across loads (ProfileFiles.keptExtends).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BuildoutError, type Span } from '../parser/diagnostic.ts';
import { valueSpan } from '../parser/references.ts';
import type { RawOption } from '../parser/sections.ts';
import { isPySpaceCode, strRepr } from '../python/index.ts';
import { entry, type Config, type Section } from './entry.ts';
import type { DownloadSettings } from './download.ts';
import type { Includer, LoadedFile, ProfileFiles } from './files.ts';
import { locate, type Located } from './location.ts';
import { cloneConfig, mergeInto, mergeSection } from './merge.ts';
import { layerTransform, materialise, TransformBuilder, type Transform } from './flatten.ts';
import type { Semantics } from './semantics.ts';

/** One file, as zc.buildout holds it after reading: annotated sections, extends removed. */
export interface Layer {
  file: LoadedFile;
  config: Config;
  extends: ExtendsEntry[];
  optionalExtends: ExtendsEntry[];
}

export interface ExtendsEntry {
  name: string;
  span?: Span;
}

/** Settings that act while files load; only root files and the command line set them. */
export interface LoadSettings {
  /** [buildout] options seen so far (defaults, user defaults, the root file, overrides). */
  options: Section;
  /** Command-line [buildout] assignments, applied again at each file (zc.buildout does). */
  override: Section;
}

export interface LoadStats {
  /** Files opened along every path of the extends graph (what zc.buildout would open). */
  visits: number;
}

export class ExtendsLoader {
  /** Files on the current include path, outermost first. */
  private readonly stack: { located: Located; includer?: Includer }[] = [];
  /** SlapOS: files already applied in this load. */
  private readonly applied = new Set<string>();
  /** SlapOS: files not applied again, in order (a kept merge must not have skipped one applied before it). */
  private readonly skipped: string[] = [];
  private readonly located = new Map<string, Located>();
  private readonly nestedResults = new Map<string, Config>();
  private readonly flatResults = new Map<string, Transform>();
  readonly stats: LoadStats = { visits: 0 };
  /** User defaults waiting for the first leaf (≥ 3.0), if any. */
  pendingUserDefaults: Config | null = null;

  constructor(
    private readonly semantics: Semantics,
    private readonly files: ProfileFiles,
    private readonly settings: LoadSettings,
    private readonly cwd: string,
  ) {}

  /** Load a root file (or a command-line extends file) and everything it extends. */
  async loadRoot(located: Located, includer?: Includer): Promise<Config> {
    if (this.semantics.extendsMerge === 'nested') return this.nested(located, includer, true);
    return materialise(await this.flattened(located, includer, true));
  }

  private enter(located: Located, includer: Includer | undefined): void {
    this.stats.visits++;
    const cycle = this.stack.findIndex((f) => f.located.key === located.key);
    if (cycle >= 0) {
      const path = [...this.stack.slice(cycle).map((f) => f.located.name), located.name];
      const open = this.stack.map((f) => strRepr(f.located.name)).join(', ');
      throw new BuildoutError({
        severity: 'error',
        rule: 'extends-cycle',
        message: `Recursive file include: ${path.join(' -> ')}`,
        buildoutMessage: `Recursive file include [${open}] ${located.name}`,
        span: includer?.span,
        chain: this.chain(),
      });
    }
    this.stack.push({ located, ...(includer ? { includer } : {}) });
  }

  /** "extended by" lines for errors, innermost first. */
  chain(): string[] {
    const out: string[] = [];
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const inc = this.stack[i]!.includer;
      if (inc) out.push(`extended by ${inc.file}${inc.span ? `:${inc.span.line}:${inc.span.column}` : ''}`);
    }
    return out;
  }

  /** locate(), once per (base, name): a tree names the same extends again and again (914 visits of 248 files for erp5). */
  private locate(base: string, name: string, dotDot: boolean): Located {
    const key = `${dotDot ? 1 : 0}${base}\0${name}`;
    let l = this.located.get(key);
    if (!l) this.located.set(key, (l = locate(base, name, dotDot)));
    return l;
  }

  /** downloadSettings() for the [buildout] options it was computed from (they change only at a root file). */
  private settingsFor: { options: Section; override: Section; value: DownloadSettings } | undefined;

  private async layer(located: Located, includer: Includer | undefined, root: boolean): Promise<Layer> {
    let known = this.settingsFor;
    if (!known || known.options !== this.settings.options || known.override !== this.settings.override) {
      known = this.settingsFor = { options: this.settings.options, override: this.settings.override, value: downloadSettings(this.settings, this.semantics) };
    }
    const settings = known.value;
    // the innermost "extended by" is the error's own location
    const file = await this.files.load(located, settings, includer, () => this.chain().slice(1));
    const layer = toLayer(file, located, this.semantics);
    if (root && layer.config.has('buildout')) {
      // only root files set how the other files are fetched
      this.settings.options = mergeSection(this.settings.options, layer.config.get('buildout')!);
    }
    return layer;
  }

  private async nested(located: Located, includer: Includer | undefined, root: boolean): Promise<Config> {
    this.enter(located, includer);
    try {
      if (this.semantics.dedupeExtends) {
        if (this.applied.has(located.key)) {
          this.skipped.push(located.key);
          return new Map();
        }
        this.applied.add(located.key);
      }
      const known = this.pendingUserDefaults ? undefined : this.nestedResults.get(located.key);
      if (known) return known;
      const hadUserDefaults = this.pendingUserDefaults !== null;
      const layer = await this.layer(located, includer, root);
      let result: Config;
      if (layer.extends.length) {
        // a file's extends, merged: kept by a reader that outlives this load
        // when their files and entries are unchanged (files.ts keptExtends)
        const key = (root || this.files.keepsNestedExtends()) && !this.pendingUserDefaults ? this.extendsKey(located, layer, root) : undefined;
        const kept = key === undefined ? undefined : this.files.keptExtends(located.key, key);
        if (kept) {
          for (const k of kept.applied) this.applied.add(k);
          this.stats.visits += kept.visits;
          result = cloneConfig(kept.merged);
        } else {
          const mark = this.files.loadMark();
          const applied = this.applied.size;
          const skipped = this.skipped.length;
          const visits = this.stats.visits;
          const [first, ...rest] = layer.extends;
          result = cloneConfig(await this.nested(this.locate(located.base, first!.name, this.semantics.relativeUrlDotDot), this.includer(located, first!), false));
          for (const e of rest) {
            mergeInto(result, await this.nested(this.locate(located.base, e.name, this.semantics.relativeUrlDotDot), this.includer(located, e), false), this.semantics);
          }
          const appliedHere = [...this.applied].slice(applied);
          // a merge that left out a file applied before it (SlapOS applies each file once) is not what a load that did not apply it yet gets
          const mine = new Set(appliedHere);
          if (key !== undefined && this.skipped.slice(skipped).every((k) => mine.has(k))) {
            this.files.keepExtends(located.key, key, mark, { merged: cloneConfig(result), applied: appliedHere, visits: this.stats.visits - visits });
          }
        }
        mergeInto(result, layer.config, this.semantics);
      } else if (this.pendingUserDefaults) {
        result = mergeInto(cloneConfig(this.pendingUserDefaults), layer.config, this.semantics);
        this.pendingUserDefaults = null;
      } else {
        result = layer.config;
      }
      // a result that took in the user defaults is not what a later visit gets
      const tookUserDefaults = hadUserDefaults && this.pendingUserDefaults === null;
      if (!this.semantics.dedupeExtends && !tookUserDefaults) this.nestedResults.set(located.key, result);
      return result;
    } finally {
      this.stack.pop();
    }
  }

  private async flattened(located: Located, includer: Includer | undefined, root: boolean): Promise<Transform> {
    this.enter(located, includer);
    try {
      const known = this.pendingUserDefaults ? undefined : this.flatResults.get(located.key);
      if (known) return known;
      const hadUserDefaults = this.pendingUserDefaults !== null;
      const layer = await this.layer(located, includer, root);
      const t = new TransformBuilder();
      for (const e of layer.extends) {
        t.then(await this.flattened(this.locate(located.base, e.name, this.semantics.relativeUrlDotDot), this.includer(located, e), false));
      }
      let own = layer.config;
      if (!layer.extends.length && this.pendingUserDefaults) {
        own = mergeInto(cloneConfig(this.pendingUserDefaults), layer.config, this.semantics);
        this.pendingUserDefaults = null;
      }
      for (const e of layer.optionalExtends) {
        // zc.buildout checks existence relative to the working directory but
        // opens the file relative to the including file (a bug:
        // docs/buildout-language.md#flattened-extends)
        if (!existsSync(resolve(this.cwd, e.name))) {
          process.stderr.write(`optional-extends file not found: ${e.name}\n`);
          continue;
        }
        t.then(await this.flattened(this.locate(located.base, e.name, false), this.includer(located, e), false));
      }
      const result = t.then(layerTransform(own, this.semantics.normaliseNewSections)).result();
      // a result that took in the user defaults is not what a later visit gets
      if (!(hadUserDefaults && this.pendingUserDefaults === null)) this.flatResults.set(located.key, result);
      return result;
    } finally {
      this.stack.pop();
    }
  }

  /** What a root's extends merge depends on besides its files: the entries (where they are, for "extended by"), the download settings, the semantics. */
  private extendsKey(located: Located, layer: Layer, root: boolean): string {
    const entries = layer.extends.map((e) => [e.name, e.span?.line, e.span?.column, e.span?.endLine, e.span?.endColumn]);
    // below the root, where the file was reached from too (the "extended by" chain of what its loads note)
    return JSON.stringify([this.semantics.mode, located.key, entries, downloadSettings(this.settings, this.semantics), root ? [] : this.chain()]);
  }

  private includer(located: Located, e: ExtendsEntry): Includer {
    return e.span ? { file: located.key, span: e.span } : { file: located.key };
  }
}

/** The [buildout] settings in force for a download. */
export function downloadSettings(settings: LoadSettings, semantics: Semantics): DownloadSettings {
  const opts = mergeSection(settings.options, settings.override);
  const get = (k: string) => opts.get(k)?.value;
  const newest = get('newest') ?? 'false';
  if (newest !== 'true' && newest !== 'false') {
    throw new BuildoutError({ severity: 'error', rule: 'invalid-option', message: `Invalid value for 'newest' option: '${newest}'` });
  }
  const cache = get('extends-cache');
  if (cache && cache.includes('${') && semantics.mode !== 'buildout2') {
    throw new BuildoutError({
      severity: 'error',
      rule: 'invalid-option',
      message: `extends-cache '${cache}' may not contain \${section:variable} to expand.`,
      span: opts.get('extends-cache')?.history.step.origin?.node.span,
    });
  }
  const timeout = Number(get('socket-timeout'));
  return {
    directory: get('directory') ?? '',
    ...(cache ? { extendsCache: cache } : {}),
    offline: get('offline') === 'true' || get('install-from-cache') === 'true',
    newest: newest === 'true',
    ...(timeout > 0 ? { timeout } : {}),
  };
}

/** A file's sections as annotated entries, with its extends taken out. */
export function toLayer(file: LoadedFile, located: Located, semantics: Semantics): Layer {
  const config: Config = new Map();
  const source = located.name;
  let ext: ExtendsEntry[] = [];
  let optional: ExtendsEntry[] = [];
  for (const [name, fs] of file.sections.sections) {
    const section: Section = new Map();
    let wantsBase = false;
    for (const [key, raw] of fs.options) {
      if (semantics.profileBaseLocation && raw.value.includes('${:_profile_base_location_}')) wantsBase = true;
      section.set(key, entry(raw.value, source, raw));
    }
    if (name === 'buildout') {
      const e = fs.options.get('extends');
      if (e) {
        ext = splitEntries(e);
        section.delete('extends');
      }
      if (semantics.optionalExtends) {
        const o = fs.options.get('optional-extends');
        if (o) {
          optional = splitEntries(o);
          section.delete('optional-extends');
        }
      }
      const by = fs.options.get('extended-by');
      if (by) {
        throw new BuildoutError({
          severity: 'error',
          rule: 'extended-by',
          message: `No-longer supported "extended-by" option found in ${source}.`,
          span: by.node.keySpan,
        });
      }
    }
    if (wantsBase) section.set('_profile_base_location_', entry(located.base, source));
    config.set(name, section);
  }
  return { file, config, extends: ext, optionalExtends: optional };
}

/** Whitespace-separated names of an extends value, each with its span. */
function splitEntries(raw: RawOption): ExtendsEntry[] {
  const out: ExtendsEntry[] = [];
  const v = raw.value;
  let i = 0;
  while (i < v.length) {
    while (i < v.length && isPySpaceCode(v.charCodeAt(i))) i++;
    if (i >= v.length) break;
    const start = i;
    while (i < v.length && !isPySpaceCode(v.charCodeAt(i))) i++;
    const span = valueSpan(raw.file, v, raw.positions, start, i);
    out.push(span ? { name: v.slice(start, i), span } : { name: v.slice(start, i) });
  }
  return out;
}

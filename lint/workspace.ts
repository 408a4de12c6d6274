// The files of a lint run: each read, decoded and parsed once, whichever
// profiles include it, with its sections read once per way of combining
// repeated keys. `LintFiles` hands them to the foundation's loader (the
// same extends and merge code buildout runs use) and, instead of stopping
// at the first problem, records it and carries on: a file with syntax
// errors gives the sections of its good lines, a missing or remote
// extends file gives nothing and marks the profile incomplete.
import { BuildoutError, type Diagnostic } from '../parser/diagnostic.ts';
import { parseProfile } from '../parser/parse.ts';
import { readSections, type FileSections } from '../parser/sections.ts';
import type { ProfileTree } from '../parser/tree.ts';
import { DownloadError, ExtendsDownloader, type DownloadSettings } from '../profile/download.ts';
import { TargetEnvironment } from '../profile/environment.ts';
import { decode, ProfileFiles, type Includer, type LoadedFile } from '../profile/files.ts';
import { readProfileBytes } from '../profile/local-file.ts';
import type { Located } from '../profile/location.ts';
import { semantics as semanticsOf, type Semantics, type SemanticsMode } from '../profile/semantics.ts';
import { LintConditions } from './conditions.ts';
import { isSubstitutedTemplate, isTemplate, looksLikeProfile, maskTemplate, type TemplateInfo } from './template.ts';
import type { LintOptions } from './options.ts';

export interface LintFile {
  /** The absolute path (or URL): the file's identity. */
  path: string;
  /** A buildout profile, or a template rendered into one. */
  kind: 'cfg' | 'template';
  text: string;
  /** The text the buildout parser reads (templates: Jinja2 masked; see template.ts). */
  masked: string;
  template?: TemplateInfo;
  tree: ProfileTree;
  /** Why the file could not be read as text (binary, not UTF-8). */
  decodeError?: Diagnostic;
  /** Lines of the original text, for suppression comments and code frames. */
  readonly lines: string[];
  /** Lines of the masked text. */
  readonly maskedLines: string[];
  /** A template of something else than a buildout profile (an nginx or haproxy configuration named *.cfg.in). */
  notProfile?: boolean;
}

export interface LoadEvent {
  kind: 'missing' | 'remote' | 'undecodable';
  location: Located;
  includer?: Includer;
  chain: string[];
  message: string;
}

export class Workspace {
  private readonly byPath = new Map<string, LintFile | null>();
  private readonly sectionsCache = new Map<string, FileSections>();
  private readonly conditionsByMode = new Map<SemanticsMode, LintConditions>();
  readonly environment: TargetEnvironment;
  readonly downloader = new ExtendsDownloader();

  constructor(readonly options: LintOptions) {
    this.environment = new TargetEnvironment(options.executable, options.env);
  }

  conditions(sem: Semantics): LintConditions {
    let c = this.conditionsByMode.get(sem.mode);
    if (!c) this.conditionsByMode.set(sem.mode, (c = new LintConditions(sem, this.environment)));
    return c;
  }

  /** Every file read so far. */
  files(): LintFile[] {
    return [...this.byPath.values()].filter((f): f is LintFile => f !== null);
  }

  /** A file already read (never reads). */
  peek(path: string): LintFile | undefined {
    return this.byPath.get(path) ?? undefined;
  }

  /** A local file, read and parsed once; undefined when it cannot be read. */
  local(path: string): LintFile | undefined {
    const known = this.byPath.get(path);
    if (known !== undefined) return known ?? undefined;
    let bytes: Buffer;
    try {
      bytes = readProfileBytes(path);
    } catch {
      this.byPath.set(path, null);
      return undefined;
    }
    const f = this.fromBytes(path, bytes);
    this.byPath.set(path, f);
    return f;
  }

  /** A file given as bytes (a cached remote extends file). */
  fromBytes(path: string, bytes: Buffer): LintFile {
    let text = '';
    let decodeError: Diagnostic | undefined;
    try {
      text = decode(bytes, path);
    } catch (e) {
      if (!(e instanceof BuildoutError)) throw e;
      decodeError = e.primary;
    }
    const template = isTemplate(path, text);
    let masked = text;
    let info: TemplateInfo | undefined;
    if (template) {
      const m = maskTemplate(text, isSubstitutedTemplate(text));
      masked = m.masked;
      info = m.info;
    }
    const tree = parseProfile(masked, path);
    const f = new File(path, template ? 'template' : 'cfg', text, masked, tree);
    if (info) {
      f.template = info;
      if (!looksLikeProfile(masked)) f.notProfile = true;
    }
    if (decodeError) f.decodeError = decodeError;
    this.byPath.set(path, f);
    return f;
  }

  /** The file's sections, conditions decided for the target environment. */
  sections(file: LintFile, sem: Semantics): FileSections {
    const key = sem.repeatedKeys + '\0' + sem.mode + '\0' + file.path;
    let s = this.sectionsCache.get(key);
    if (!s) {
      const conditions = this.conditions(sem);
      s = readSections(file.tree, { repeatedKeys: sem.repeatedKeys, condition: (h) => conditions.evaluate(h) });
      this.sectionsCache.set(key, s);
    }
    return s;
  }

  /** A loader for one profile of this workspace. */
  loader(mode: SemanticsMode): LintFiles {
    return new LintFiles(this, semanticsOf(mode));
  }
}

/** A LintFile whose line tables are made when first asked for. */
class File implements LintFile {
  template?: TemplateInfo;
  decodeError?: Diagnostic;
  notProfile?: boolean;
  private lineCache: string[] | undefined;
  private maskedCache: string[] | undefined;
  constructor(
    readonly path: string,
    readonly kind: 'cfg' | 'template',
    readonly text: string,
    readonly masked: string,
    readonly tree: ProfileTree,
  ) {}
  get lines(): string[] {
    return (this.lineCache ??= this.text.split(/\r\n|\r|\n/));
  }
  get maskedLines(): string[] {
    if (this.masked === this.text) return this.lines;
    return (this.maskedCache ??= this.masked.split(/\r\n|\r|\n/));
  }
}

function emptyFile(location: Located): LoadedFile {
  return {
    location,
    tree: { file: location.key, nodes: [], comments: [], lineCount: 0 },
    sections: { file: location.key, sections: new Map(), skipped: [], errors: [] },
  };
}

/** The foundation's file reader, tolerant: problems become events, files are shared. */
export class LintFiles extends ProfileFiles {
  private readonly mine = new Map<string, LoadedFile>();
  readonly events: LoadEvent[] = [];
  /** The lint files read for this profile, in the order the loader opened them. */
  readonly opened: LintFile[] = [];
  /** The file and extends entry that first brought each file in (by key). */
  readonly includedBy = new Map<string, Includer>();

  constructor(
    private readonly workspace: Workspace,
    private readonly sem: Semantics,
  ) {
    super(sem.repeatedKeys, workspace.conditions(sem), workspace.downloader);
  }

  override get files(): ReadonlyMap<string, LoadedFile> {
    return this.mine;
  }

  override async load(location: Located, settings: DownloadSettings, includer: Includer | undefined, includedBy: () => string[]): Promise<LoadedFile> {
    this.requests++;
    const known = this.mine.get(location.key);
    if (known) return known;
    const chain = includedBy();
    if (includer) this.includedBy.set(location.key, includer);
    let file: LintFile | undefined;
    if (location.remote) {
      try {
        const bytes = await this.workspace.downloader.get(location.name, { ...settings, offline: true, newest: false });
        file = this.workspace.fromBytes(location.key, bytes);
      } catch (e) {
        if (!(e instanceof DownloadError)) throw e;
        this.events.push({ kind: 'remote', location, chain, message: e.message, ...(includer ? { includer } : {}) });
      }
    } else {
      file = this.workspace.local(location.key);
      if (!file) {
        this.events.push({ kind: 'missing', location, chain, message: `extends file ${location.name} not found`, ...(includer ? { includer } : {}) });
      }
    }
    let loaded: LoadedFile;
    if (!file) loaded = emptyFile(location);
    else {
      if (file.decodeError) this.events.push({ kind: 'undecodable', location, chain, message: file.decodeError.message, ...(includer ? { includer } : {}) });
      this.opened.push(file);
      loaded = { location, tree: file.tree, sections: this.workspace.sections(file, this.sem) };
    }
    this.mine.set(location.key, loaded);
    return loaded;
  }
}

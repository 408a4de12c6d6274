// The files of a lint run: each read, decoded and parsed once, whichever
// profiles include it, with its sections read once per way of combining
// repeated keys. `LintFiles` hands them to the foundation's loader (the
// same extends and merge code buildout runs use) and, instead of stopping
// at the first problem, records it and carries on: a file with syntax
// errors gives the sections of its good lines, a missing or remote
// extends file gives nothing and marks the profile incomplete.
import { BuildoutError, type Diagnostic, type Span } from '../parser/diagnostic.ts';
import { readSections, type FileSections } from '../parser/sections.ts';
import type { ProfileTree } from '../parser/tree.ts';
import { DownloadError, ExtendsDownloader, type DownloadSettings } from '../profile/download.ts';
import { TargetEnvironment } from '../profile/environment.ts';
import { decode, ProfileFiles, type Includer, type KeptExtends, type LoadedFile } from '../profile/files.ts';
import { parseProfileCached } from '../profile/parse-cache.ts';
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

/** Texts that are not saved yet (an editor's open documents), read instead of the disk: undefined reads the file. */
export type TextOverlay = (path: string) => string | undefined;

/** One file a profile's loader brought in, with what it noted: replayed when a kept merge is reused. */
interface LoadNote {
  key: string;
  loaded: LoadedFile;
  /** The workspace's file at that time (undefined: missing). */
  file: LintFile | undefined;
  includer: Includer | undefined;
  events: LoadEvent[];
  remote: boolean;
}

/** A file's extends merge, kept with the loads that made it (ProfileFiles.keptExtends). */
interface KeptMerge extends KeptExtends {
  key: string;
  notes: LoadNote[];
}

export class Workspace {
  private readonly byPath = new Map<string, LintFile | null>();
  /** By file (a file read again is another object), then by way of reading its sections. */
  private readonly sectionsCache = new WeakMap<LintFile, Map<string, FileSections>>();
  private readonly conditionsByMode = new Map<SemanticsMode, LintConditions>();
  readonly environment: TargetEnvironment;
  readonly downloader = new ExtendsDownloader();

  /**
   * The merge of each root's extends, by root, when the workspace keeps
   * them (an editor's: its roots are edited again and again; a lint run
   * over many profiles would only grow it).
   */
  readonly keptMerges: Map<string, KeptMerge> | undefined;
  /** How many profile loads reused a kept merge. */
  keptReused = 0;

  constructor(
    readonly options: LintOptions,
    private readonly overlay?: TextOverlay,
    keepMerges = false,
  ) {
    this.environment = new TargetEnvironment(options.executable, options.env);
    this.keptMerges = keepMerges ? new Map() : undefined;
  }

  /** How many files changed on disk (forgotten without an unsaved text): what was worked out from files read elsewhere (an md5sum's) is stale. */
  diskChanges = 0;

  /** Forget what was read of a file (its text changed): the next read parses it again; every other file stays parsed. */
  forget(path: string): void {
    this.byPath.delete(path);
    this.texts.delete(path);
    if (this.overlay?.(path) === undefined) this.diskChanges++;
  }

  private readonly texts = new Map<string, string | null>();

  /** A file's text as it is (unsaved first), read once; null when it cannot be read (templates that are no profile, as a jinja2 part's). */
  text(path: string): string | null {
    const known = this.texts.get(path);
    if (known !== undefined) return known;
    let t: string | null = this.overlay?.(path) ?? null;
    if (t === null) {
      try {
        t = readProfileBytes(path).toString('utf8');
      } catch {
        t = null;
      }
    }
    this.texts.set(path, t);
    return t;
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

  /** A span in a template's masked text, as a position in the file (see TemplateInfo.shifts). */
  unmask(span: Span): Span {
    const shift = this.peek(span.file)?.template?.shifts.get(span.line);
    if (!shift) return span;
    return { ...span, column: span.column + shift, endColumn: span.endLine === span.line ? span.endColumn + shift : span.endColumn };
  }

  /** A file already read (never reads). */
  peek(path: string): LintFile | undefined {
    return this.byPath.get(path) ?? undefined;
  }

  /** A local file, read and parsed once; undefined when it cannot be read. */
  local(path: string): LintFile | undefined {
    const known = this.byPath.get(path);
    if (known !== undefined) return known ?? undefined;
    const unsaved = this.overlay?.(path);
    if (unsaved !== undefined) {
      const bytes = Buffer.from(unsaved, 'utf8');
      return this.fromBytes(path, bytes, this.isSaved(path, bytes));
    }
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

  /** Documents whose unsaved text was compared with the disk (once: when opened). */
  private readonly compared = new Set<string>();

  /** Is an editor's text of a file, the first time it is read, the file's saved text (a document just opened)? Its parse then goes to the parse cache. */
  private isSaved(path: string, bytes: Buffer): boolean {
    if (this.compared.has(path)) return false;
    this.compared.add(path);
    try {
      return readProfileBytes(path).equals(bytes);
    } catch {
      return false;
    }
  }

  /**
   * A file given as bytes (a cached remote extends file); `saved`: bytes of
   * a file (its parse kept between runs: profile/parse-cache.ts), not an
   * editor's unsaved text (read from that cache when it is a saved file's
   * text, as a document just opened is, but not stored).
   */
  fromBytes(path: string, bytes: Buffer, saved = true): LintFile {
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
    const tree = parseProfileCached(masked, path, saved);
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
    const key = sem.repeatedKeys + '\0' + sem.mode;
    let byWay = this.sectionsCache.get(file);
    if (!byWay) this.sectionsCache.set(file, (byWay = new Map()));
    let s = byWay.get(key);
    if (!s) {
      const conditions = this.conditions(sem);
      s = readSections(file.tree, { repeatedKeys: sem.repeatedKeys, condition: (h) => conditions.evaluate(h) });
      byWay.set(key, s);
    }
    return s;
  }

  /** A loader for one profile of this workspace; `keep`: it reuses and keeps extends merges (when the workspace keeps them). */
  loader(mode: SemanticsMode, keep = false): LintFiles {
    return new LintFiles(this, semanticsOf(mode), keep && this.keptMerges !== undefined);
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

  /** Every file this loader brought in, in order, when it keeps merges (a kept merge replays its own). */
  private readonly notes: LoadNote[] = [];

  constructor(
    private readonly workspace: Workspace,
    private readonly sem: Semantics,
    private readonly keep = false,
  ) {
    super(sem.repeatedKeys, workspace.conditions(sem), workspace.downloader);
  }

  override loadMark(): number {
    return this.notes.length;
  }

  /** The root, the first file this loader read. */
  private root: string | undefined;

  /**
   * Below the root too once the root was loaded before: a profile opened
   * once and never edited pays nothing for it (the first load of a large
   * tree is the one the editor waits for).
   */
  override keepsNestedExtends(): boolean {
    return this.keep && this.root !== undefined && this.workspace.keptMerges!.has(this.root);
  }

  override keepExtends(root: string, key: string, mark: number, kept: KeptExtends): void {
    const notes = this.notes.slice(mark);
    // a remote file's cached copy may change without the workspace knowing
    if (!this.keep || notes.some((n) => n.remote)) return;
    this.workspace.keptMerges!.set(root, { ...kept, key, notes });
  }

  override keptExtends(root: string, key: string): KeptExtends | undefined {
    if (!this.keep) return undefined;
    const kept = this.workspace.keptMerges!.get(root);
    if (!kept || kept.key !== key) return undefined;
    // every file as it was: the same parse (an edit or a change on disk makes a new one), none read yet by this loader
    for (const n of kept.notes) if (this.workspace.local(n.key) !== n.file || this.mine.has(n.key)) return undefined;
    for (const n of kept.notes) {
      // noted again: a merge kept around this one depends on these files too
      this.notes.push(n);
      this.mine.set(n.key, n.loaded);
      if (n.includer) this.includedBy.set(n.key, n.includer);
      this.events.push(...n.events);
      if (n.file) this.opened.push(n.file);
    }
    this.workspace.keptReused++;
    return kept;
  }

  override get files(): ReadonlyMap<string, LoadedFile> {
    return this.mine;
  }

  /** A file the editor holds exists, saved or not. */
  override exists(path: string): boolean {
    return this.workspace.local(path) !== undefined;
  }

  override async load(location: Located, settings: DownloadSettings, includer: Includer | undefined, includedBy: () => string[]): Promise<LoadedFile> {
    this.requests++;
    this.root ??= location.key;
    const known = this.mine.get(location.key);
    if (known) return known;
    const chain = includedBy();
    if (includer) this.includedBy.set(location.key, includer);
    const eventsBefore = this.events.length;
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
    if (this.keep) this.notes.push({ key: location.key, loaded, file, includer, events: this.events.slice(eventsBefore), remote: location.remote });
    return loaded;
  }
}

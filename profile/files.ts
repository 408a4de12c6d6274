// Reading configuration files: each file (local or remote) is read,
// decoded and parsed once per run (the parse kept between runs:
// parse-cache.ts), and its sections are built once, with
// its conditions evaluated once. Everything later works on these.
import { existsSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { BuildoutError, type Diagnostic, type Span } from '../parser/diagnostic.ts';
import { readSections, type FileSections } from '../parser/sections.ts';
import type { HeaderNode, ProfileTree } from '../parser/tree.ts';
import type { DownloadSettings, ExtendsDownloader } from './download.ts';
import type { Config } from './entry.ts';
import { DownloadError } from './download.ts';
import type { Located } from './location.ts';
import { parseProfileCached, parseProfileNow } from './parse-cache.ts';
import { ProfileFileRefused, readProfileBytes } from './local-file.ts';

/** Who asked for a file: the file and place that names it in `extends`. */
export interface Includer {
  file: string;
  span?: Span;
}

export interface ConditionEvaluator {
  /** Decide a header's condition (may throw a BuildoutError). */
  evaluate(header: HeaderNode): boolean;
}

export interface LoadedFile {
  location: Located;
  tree: ProfileTree;
  sections: FileSections;
}

/** The merge of a root file's extends, as kept by a reader that outlives one load (extends.ts). */
export interface KeptExtends {
  merged: Config;
  /** The files it applied (the SlapOS fork applies each once). */
  applied: string[];
  /** Files opened along every path, for LoadStats. */
  visits: number;
}

export class ProfileFiles {
  private readonly loaded = new Map<string, LoadedFile>();
  /** How many times a file was asked for, and how many distinct files were read. */
  requests = 0;

  constructor(
    private readonly repeatedKeys: 'overwrite' | 'accumulate',
    private readonly conditions: ConditionEvaluator,
    private readonly downloader: ExtendsDownloader,
  ) {}

  get files(): ReadonlyMap<string, LoadedFile> {
    return this.loaded;
  }

  /** Is there a local file at this path (the root profile is checked before anything is read)? */
  exists(path: string): boolean {
    return existsSync(path);
  }

  /** A configuration text that is no file (zc.buildout's Buildout.parse()): its sections, conditions evaluated; not cached. */
  parseText(text: string, name: string): FileSections {
    return readSections(parseProfileNow(text, name), { repeatedKeys: this.repeatedKeys, condition: (h) => this.conditions.evaluate(h) });
  }

  /**
   * The merge of a file's extends kept from an earlier load under the
   * same key, when none of its files changed since (the loads it made are
   * noted again): an editor's workspace keeps them, so that an edit of the
   * root merges the root's own sections only, and an edit of a file it
   * extends that file over the kept merges around it. A plain reader keeps none.
   */
  keptExtends(_root: string, _key: string): KeptExtends | undefined {
    return undefined;
  }

  /** Where the loads of a root's extends start, for keepExtends. */
  loadMark(): number {
    return 0;
  }

  /** Keep the merge of a file's extends, made by the loads since `mark`. */
  keepExtends(_file: string, _key: string, _mark: number, _kept: KeptExtends): void {}

  /** Are the merges of files below the root kept as well (not only the root's)? */
  keepsNestedExtends(): boolean {
    return false;
  }

  /** `includedBy` gives the "extended by" chain for errors (built only when the file is first read). */
  async load(location: Located, settings: DownloadSettings, includer: Includer | undefined, includedBy: () => string[]): Promise<LoadedFile> {
    this.requests++;
    const known = this.loaded.get(location.key);
    if (known) return known;
    const chain = includedBy();
    const bytes = location.remote ? await this.download(location, settings, includer, chain) : this.readLocal(location, includer, chain);
    const text = decode(bytes, location.key, chain);
    const tree = parseProfileCached(text, location.key);
    const sections = readSections(tree, {
      repeatedKeys: this.repeatedKeys,
      condition: (h) => this.conditions.evaluate(h),
      // buildout.py _open: the path as joined, or `URL (downloaded as PATH)`
      nameInMessages: () => {
        const local = location.remote ? this.downloader.localFile(location.name) : undefined;
        return local ? `${location.name} (downloaded as ${local})` : location.name;
      },
    });
    if (sections.errors.length) {
      throw new BuildoutError(sections.errors.map((d): Diagnostic => ({ ...d, chain })));
    }
    const file = { location, tree, sections };
    this.loaded.set(location.key, file);
    return file;
  }

  private readLocal(location: Located, includer: Includer | undefined, chain: string[]): Buffer {
    try {
      return readProfileBytes(location.key);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const what = e instanceof ProfileFileRefused ? e.message : code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
      throw new BuildoutError({
        severity: 'error',
        rule: includer ? 'missing-extends' : 'missing-file',
        message: includer ? `extends file ${location.name} ${what}` : `Couldn't open ${location.name} (${what})`,
        span: includer?.span,
        chain,
      });
    }
  }

  private async download(location: Located, settings: DownloadSettings, includer: Includer | undefined, chain: string[]): Promise<Buffer> {
    try {
      return await this.downloader.get(location.name, settings);
    } catch (e) {
      if (!(e instanceof DownloadError)) throw e;
      throw new BuildoutError({
        severity: 'error',
        rule: 'unreachable-extends',
        message: e.message,
        span: includer?.span,
        chain,
        hint: settings.offline
          ? 'run online once, or set extends-cache to a directory holding a copy'
          : 'check the URL, or use extends-cache with -o to work from a cached copy',
      });
    }
  }
}

/** UTF-8 text, or a located error for binary or mis-encoded content. */
export function decode(bytes: Buffer, file: string, chain: string[] = []): string {
  const nul = bytes.indexOf(0);
  // the native check first: the byte-by-byte scan only runs on bad input
  if (nul < 0 && isUtf8(bytes)) return bytes.toString('utf8');
  const invalid = firstInvalidUtf8(bytes);
  const bad = nul >= 0 && (invalid < 0 || nul < invalid) ? nul : invalid;
  if (bad < 0) return bytes.toString('utf8');
  const before = bytes.subarray(0, bad).toString('utf8');
  const line = before.split(/\r\n|\r|\n/).length;
  const column = before.length - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
  throw new BuildoutError({
    severity: 'error',
    rule: 'syntax',
    message:
      bad === nul
        ? 'a binary file, not a buildout configuration (NUL byte)'
        : `not UTF-8 text (invalid byte 0x${bytes[bad]!.toString(16).padStart(2, '0')})`,
    span: { file, line, column, endLine: line, endColumn: column + 1 },
    chain,
  });
}

/** The offset of the first byte that is not part of valid UTF-8, or -1. */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) (need = 1), (min = 0x80);
    else if (c >= 0xe0 && c <= 0xef) (need = 2), (min = 0x800);
    else if (c >= 0xf0 && c <= 0xf4) (need = 3), (min = 0x10000);
    else return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

// Unpacking archives, in one place for every path that does it
// (slapos.recipe.build:download-unpacked and inline Python's
// `self.extract()` through the bridge). The rules are those of
// setuptools.archive_util.unpack_archive, which slapos.recipe.build calls
// (docs/slapos-recipes.md#slaposrecipebuild): an entry whose name is
// absolute or has a `..` component is skipped; a hard or symbolic link is
// followed to the archive member it names (a symbolic link relative to its
// own folder) and that member is written in its place, as a plain file or
// directory, and a link to anything else (a host path, a member that is
// not there, another link in a loop) is skipped; devices, FIFOs and other
// special entries are skipped; nothing is chowned. So no symbolic link is
// ever created, nothing is written outside the target and no host file is
// read. Beyond setuptools: setuid, setgid and sticky bits are dropped, and
// each skipped entry is told (setuptools skips silently).
//
// Formats: tar (plain, gzip; bzip2, xz and zstd through the `bzip2`, `xz`,
// `zstd` commands) and zip (stored or deflated); anything else is refused,
// as setuptools refuses an unrecognised archive.
import { spawnSync } from 'node:child_process';
import { closeSync, chmodSync, existsSync, fstatSync, lstatSync, mkdirSync, mkdtempSync, openSync, readSync, realpathSync, rmSync, statSync, utimesSync, writeSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import type * as Zlib from 'node:zlib';
import type * as Tar from 'tar';
import { strRepr } from '../../python/index.ts';
import { RecipeError } from '../api.ts';

export interface ExtractOptions {
  /** The part, for messages. */
  part: string;
  /** Told of each skipped entry. */
  warn?: (message: string) => void;
  /** An entry whose path is absolute or goes up with `..` is an error, not skipped (slapos.recipe.cmmi's sources: a build never starts from a tree missing files). */
  refuseOutside?: boolean;
}

export interface ExtractReport {
  /** Skipped entries: the name and why. */
  skipped: { name: string; why: string }[];
}

type Kind = 'file' | 'dir' | 'hardlink' | 'symlink' | 'other';

interface Member {
  name: string;
  kind: Kind;
  linkname: string;
  mode: number;
  mtime: Date | undefined;
}

/** The permission bits an extracted file keeps: no setuid, setgid or sticky bit. */
const MODE_MASK = 0o777;

/** Python's posixpath.normpath (Node's normalize keeps a trailing slash and folds `//`). */
export function posixNormpath(path: string): string {
  if (path === '') return '.';
  const initial = path.startsWith('/') ? (path.startsWith('//') && !path.startsWith('///') ? 2 : 1) : 0;
  const out: string[] = [];
  for (const c of path.split('/')) {
    if (c === '' || c === '.') continue;
    if (c !== '..' || (!initial && !out.length) || (out.length && out[out.length - 1] === '..')) out.push(c);
    else if (out.length) out.pop();
  }
  const joined = '/'.repeat(initial) + out.join('/');
  return joined || '.';
}

const OUTSIDE = 'its path is absolute or goes up with ..';

function outside(name: string): boolean {
  return name.startsWith('/') || name.split('/').includes('..');
}

/** The archive's kind from its first bytes (and a zip's end record). */
function sniff(archive: string): 'gzip' | 'bzip2' | 'xz' | 'zstd' | 'zip' | 'tar' | 'directory' {
  if (statSync(archive).isDirectory()) return 'directory';
  const fd = openSync(archive, 'r');
  try {
    const head = Buffer.alloc(6);
    const n = readSync(fd, head, 0, 6, 0);
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (n >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
    if (n >= 6 && head.equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
    if (n >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
    if (n >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
    // zipfile.is_zipfile looks for the end record: a zip may start with anything (a self-extractor)
    return endRecord(fd, fstatSync(fd).size) >= 0 ? 'zip' : 'tar';
  } finally {
    closeSync(fd);
  }
}

/**
 * Unpack `archive` into the directory `into` (which must exist and hold
 * nothing an archive could traverse: a fresh directory). Throws a
 * RecipeError naming the part, the archive and the entry when it cannot.
 */
export function extractArchive(archive: string, into: string, o: ExtractOptions): ExtractReport {
  const report: ExtractReport = { skipped: [] };
  const fail = (what: string) => new RecipeError(`[${o.part}] cannot unpack ${strRepr(archive)}: ${what}`);
  let kind: ReturnType<typeof sniff>;
  try {
    kind = sniff(archive);
  } catch (e) {
    throw fail((e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  if (kind === 'directory') throw fail('it is a directory, not an archive');
  const writer = new TreeWriter(into, fail);
  const skip = (name: string, why: string) => {
    if (o.refuseOutside && why === OUTSIDE) throw fail(`the entry ${strRepr(name)} is outside the target: ${why}`);
    report.skipped.push({ name, why });
    o.warn?.(`[${o.part}] ${strRepr(archive)}: skipped ${strRepr(name)}: ${why}`);
  };
  if (kind === 'zip') extractZip(archive, writer, skip, fail);
  else if (kind === 'gzip' || kind === 'tar') extractTar(archive, writer, skip, fail);
  else {
    const work = mkdtempSync(join(tmpdir(), 'tsbuildout-archive-'));
    try {
      const plain = join(work, 'archive.tar');
      const out = openSync(plain, 'w', 0o600);
      let r: ReturnType<typeof spawnSync>;
      try {
        r = spawnSync(kind, ['-dc', archive], { stdio: ['ignore', out, 'pipe'] });
      } finally {
        closeSync(out);
      }
      if (r.error) throw fail(`a ${kind}-compressed archive needs the \`${kind}\` command (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`);
      if (r.status !== 0) throw fail(`${kind}: ${String(r.stderr ?? '').trim() || `exit status ${r.status}`}`);
      extractTar(plain, writer, skip, fail);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  writer.finish();
  return report;
}

/** Writes an extracted tree: every path checked to stay under the root, no link followed or made. */
class TreeWriter {
  private readonly root: string;
  /** Directories known to be real directories under the root. */
  private readonly safe = new Set<string>();
  /** Directory modes and times, applied at the end (a read-only directory would refuse its entries). */
  private readonly dirs: { path: string; mode: number | undefined; mtime: Date | undefined }[] = [];

  constructor(
    into: string,
    private readonly fail: (what: string) => Error,
  ) {
    this.root = realpathSync(into);
    this.safe.add(this.root);
  }

  /** A path as the archive names it (relative to the target). */
  private relative(path: string): string {
    return path.slice(this.root.length + 1);
  }

  /** The path of a member name (already checked not to escape). */
  target(name: string): string {
    return join(this.root, ...name.split('/').filter((c) => c !== '' && c !== '.'));
  }

  /** Make a directory and its parents, none of them a link. */
  mkdirs(path: string): void {
    if (this.safe.has(path)) return;
    if (path === this.root || !path.startsWith(this.root + sep)) throw this.fail(`${strRepr(this.relative(path))} is outside the target`);
    const parent = path.slice(0, path.lastIndexOf(sep)) || sep;
    this.mkdirs(parent);
    try {
      // as os.makedirs: the umask decides
      mkdirSync(path, 0o777);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw this.fail(`cannot make the directory ${strRepr(this.relative(path))}: ${(e as NodeJS.ErrnoException).code}`);
      if (!lstatSync(path).isDirectory()) throw this.fail(`${strRepr(this.relative(path))} is a file, and an entry goes inside it`);
    }
    this.safe.add(path);
  }

  /** A directory entry; its mode (undefined: the umask's) and time are applied at the end. */
  dir(name: string, mode: number | undefined, mtime: Date | undefined): void {
    const path = this.target(name);
    this.mkdirs(path);
    this.dirs.push({ path, mode, mtime });
  }

  /** Open a file for writing (replacing one already extracted; never through a link). */
  open(name: string): { fd: number; path: string } {
    const path = this.target(name);
    if (path === this.root) throw this.fail(`${strRepr(name)} names the target itself`);
    this.mkdirs(path.slice(0, path.lastIndexOf(sep)));
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o666);
      return { fd, path };
    } catch (e) {
      throw this.fail(`cannot write ${strRepr(name)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  /** Close a file, setting its mode (undefined: left as the umask made it) and time. */
  close(file: { fd: number; path: string }, mode: number | undefined, mtime: Date | undefined): void {
    closeSync(file.fd);
    if (mode !== undefined) chmodSync(file.path, mode & MODE_MASK);
    if (mtime) utimesSync(file.path, mtime, mtime);
  }

  finish(): void {
    // deepest first, so a parent's time is set after its children changed it
    for (const d of this.dirs.reverse()) {
      if (!existsSync(d.path)) continue;
      if (d.mode !== undefined) chmodSync(d.path, d.mode & MODE_MASK);
      if (d.mtime) utimesSync(d.path, d.mtime, d.mtime);
    }
  }
}

type Skip = (name: string, why: string) => void;

const TAR_KINDS: Record<string, Kind> = { File: 'file', OldFile: 'file', ContiguousFile: 'file', Directory: 'dir', Link: 'hardlink', SymbolicLink: 'symlink' };

/** Read a tar file (plain or gzip) through the `tar` parser, chunk by chunk, synchronously. */
function parseTar(archive: string, onEntry: (entry: Tar.ReadEntry, index: number) => void, fail: (what: string) => Error): void {
  let problem: string | undefined;
  let index = 0;
  // tar loads only when a tarball is unpacked (it is most of what the recipes' code takes to load)
  const tar = require('tar') as typeof Tar;
  const parser = new tar.Parser({
    onwarn: (code, message) => {
      // an entry tar cannot read, or data that is not a tar archive at all
      if (code === 'TAR_ENTRY_INVALID' || code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ABORT' || code === 'TAR_ENTRY_ERROR') problem ??= String(message);
    },
  });
  parser.on('entry', (entry: Tar.ReadEntry) => onEntry(entry, index++));
  const fd = openSync(archive, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      parser.write(Buffer.from(chunk.subarray(0, n)));
      if (problem) break;
    }
    parser.end();
  } finally {
    closeSync(fd);
  }
  if (problem) throw fail(index ? problem : 'not a recognized archive type (neither zip nor tar)');
  if (!index) throw fail('not a recognized archive type (neither zip nor tar)');
}

function memberOf(entry: Tar.ReadEntry): Member {
  let name = entry.path;
  const kind = TAR_KINDS[entry.type] ?? 'other';
  // tarfile names a directory without its trailing slash
  if (kind === 'dir') name = name.replace(/\/+$/, '');
  return { name, kind, linkname: entry.linkpath ?? '', mode: entry.mode ?? 0o644, mtime: entry.mtime };
}

/**
 * The member a link stands for, as setuptools' _resolve_tar_file_or_dir
 * follows it (by exact name, the last member of that name); undefined for
 * anything that is not a file or directory in the end.
 */
function resolveLink(members: Member[], lastByName: Map<string, number>, index: number): number | undefined {
  let i: number | undefined = index;
  const seen = new Set<number>();
  while (i !== undefined && (members[i]!.kind === 'hardlink' || members[i]!.kind === 'symlink')) {
    if (seen.has(i)) return undefined;
    seen.add(i);
    const m: Member = members[i]!;
    let name = m.linkname;
    if (m.kind === 'symlink') {
      // normpath(join(dirname(name), linkname)): an absolute target replaces the folder
      const slash = m.name.lastIndexOf('/');
      if (!name.startsWith('/') && slash >= 0) name = m.name.slice(0, slash + 1) + name;
      name = posixNormpath(name);
    }
    i = lastByName.get(name);
  }
  if (i === undefined) return undefined;
  const k = members[i]!.kind;
  return k === 'file' || k === 'dir' ? i : undefined;
}

function extractTar(archive: string, writer: TreeWriter, skip: Skip, fail: (what: string) => Error): void {
  // first the listing: a link may name a member that comes after it
  const members: Member[] = [];
  parseTar(
    archive,
    (entry) => {
      members.push(memberOf(entry));
      entry.resume();
    },
    fail,
  );
  const lastByName = new Map<string, number>();
  members.forEach((m, i) => lastByName.set(m.name, i));
  // where each member's content goes: itself, and the links that resolve to it
  const copies = new Map<number, Member[]>();
  members.forEach((m, i) => {
    if (outside(m.name)) return skip(m.name, OUTSIDE);
    if (m.kind === 'other') return skip(m.name, 'not a file, a directory or a link');
    if (m.kind === 'file' || m.kind === 'dir') return;
    const target = resolveLink(members, lastByName, i);
    if (target === undefined) return skip(m.name, `a link to ${strRepr(m.linkname)}, which is not a file or directory of the archive`);
    const list = copies.get(target) ?? [];
    list.push(m);
    copies.set(target, list);
  });
  parseTar(
    archive,
    (entry, i) => {
      const m = members[i]!;
      const own = (m.kind === 'file' || m.kind === 'dir') && !outside(m.name) ? [m] : [];
      const places = [...own, ...(copies.get(i) ?? [])];
      if (!places.length) return void entry.resume();
      if (m.kind === 'dir') {
        for (const p of places) writer.dir(p.name, m.mode, m.mtime);
        return void entry.resume();
      }
      const files = places.map((p) => writer.open(p.name));
      entry.on('data', (data: Buffer) => {
        for (const f of files) writeSync(f.fd, data);
      });
      entry.on('end', () => {
        for (const f of files) writer.close(f, m.mode, m.mtime);
      });
    },
    fail,
  );
}

// -- zip ---------------------------------------------------------------------

/** The offset of the end of central directory record, or -1. */
function endRecord(fd: number, size: number): number {
  const span = Math.min(size, 22 + 0xffff);
  if (span < 22) return -1;
  const tail = Buffer.alloc(span);
  readSync(fd, tail, 0, span, size - span);
  for (let i = span - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) return size - span + i;
  }
  return -1;
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32(data: Buffer): number {
  let c = -1;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

function zipName(raw: Buffer, utf8: boolean): string {
  if (utf8) return raw.toString('utf8');
  // zipfile decodes names without the UTF-8 flag as cp437
  let s = '';
  for (const b of raw) s += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!;
  return s;
}

/** setuptools' _unpack_zipfile_obj: each entry as a file (a link's text included) or directory, its unix mode applied. */
function extractZip(archive: string, writer: TreeWriter, skip: Skip, fail: (what: string) => Error): void {
  const fd = openSync(archive, 'r');
  try {
    const size = fstatSync(fd).size;
    const end = endRecord(fd, size);
    if (end < 0) throw fail('not a zip file (no end of central directory)');
    const eocd = Buffer.alloc(22);
    readSync(fd, eocd, 0, 22, end);
    const count = eocd.readUInt16LE(10);
    const cdSize = eocd.readUInt32LE(12);
    const cdOffset = eocd.readUInt32LE(16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw fail('zip64 archives are not supported');
    if (cdOffset + cdSize > size) throw fail('the zip central directory is truncated');
    const cd = Buffer.alloc(cdSize);
    readSync(fd, cd, 0, cdSize, cdOffset);
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw fail('bad zip central directory');
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      const compressed = cd.readUInt32LE(p + 20);
      const length = cd.readUInt32LE(p + 24);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const external = cd.readUInt32LE(p + 38);
      const local = cd.readUInt32LE(p + 42);
      const name = zipName(cd.subarray(p + 46, p + 46 + nameLength), (flags & 0x800) !== 0);
      p += 46 + nameLength + extraLength + commentLength;
      if (outside(name)) {
        skip(name, OUTSIDE);
        continue;
      }
      const unixMode = external >>> 16;
      if (name.endsWith('/')) {
        writer.dir(name, unixMode || undefined, undefined);
        continue;
      }
      if (flags & 1) throw fail(`${strRepr(name)} is encrypted`);
      const header = Buffer.alloc(30);
      readSync(fd, header, 0, 30, local);
      if (header.readUInt32LE(0) !== 0x04034b50) throw fail(`bad local header for ${strRepr(name)}`);
      const start = local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
      if (start + compressed > size) throw fail(`${strRepr(name)} is truncated`);
      const raw = Buffer.alloc(compressed);
      readSync(fd, raw, 0, compressed, start);
      let data: Buffer;
      if (method === 0) data = raw;
      else if (method === 8) {
        try {
          data = (require('node:zlib') as typeof Zlib).inflateRawSync(raw, { maxOutputLength: Math.max(length, 1) });
        } catch (e) {
          throw fail(`${strRepr(name)}: ${(e as Error).message}`);
        }
      } else throw fail(`${strRepr(name)} uses compression method ${method} (stored and deflated entries are supported)`);
      if (data.length !== length || crc32(data) !== crc) throw fail(`bad CRC-32 for file ${strRepr(name)}`);
      const file = writer.open(name);
      try {
        writeSync(file.fd, data);
      } finally {
        // setuptools leaves the mode alone when the entry has none
        writer.close(file, unixMode || undefined, undefined);
      }
    }
  } finally {
    closeSync(fd);
  }
}

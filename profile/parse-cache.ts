// Syntax trees kept between runs: a CLI call parses every file of its
// profile cold (software/erp5: 248 files), which costs more than reading
// back what an earlier run parsed. The trees live in one pack file,
// `trees`, under a directory named by tsbuildout's version and its
// parser's build (version.ts), in the user's cache directory
// (profile/user-cache.ts), with an index beside it, `index`. Each record is
// found by the SHA-256 of the profile file's text, and holds its tree
// compactly (nodes as arrays, spans without their file, which is the
// reader's: JSON.parse and decode() take a fifth of a cold parse):
//   <sha256 hex> <payload bytes>\n<payload>\n
// The index holds one fixed entry per record (the digest's 32 bytes, the
// record's offset and its payload's length, uint32 LE): a run reads it
// whole (40 bytes a tree) and then only the records it needs, so a pack
// that grew with every version of every file parsed (3,000 trees, 9 MB
// after a day of work) costs what the run uses, not what the pack holds.
// A run appends its new trees when it exits, in one write to each file
// (O_APPEND: concurrent runs never interleave records; a record cut short
// at the end, by a writer still at work, is not indexed yet). A record
// whose header does not match its index entry, or whose payload does not
// decode, is ignored, and the run then writes the pack and its index again
// without it (temporary files, then renames), as it does when the pack
// outgrows MAX_PACK_BYTES (keeping the trees this run used). Packs of
// other builds go once unused for a week.
// TSBUILDOUT_PARSE_CACHE=0 turns the cache off.
import * as crypto from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Span } from '../parser/diagnostic.ts';
import { NO_CONTINUATION, type CommentNode, type HeaderNode, type OptionNode, type ProfileTree, type TreeNode } from '../parser/tree.ts';
import { BUILD, VERSION } from '../version.ts';
import { makeCacheDirectory, userCacheDirectory } from './user-cache.ts';

/** Another build's pack is removed when it was not written to for this long. */
const STALE_MS = 7 * 24 * 3600 * 1000;

/** Past this size the pack is written again with only the trees the run used. */
const MAX_PACK_BYTES = 64 * 1024 * 1024;

/** How a tree is stored (part of the entry's directory name: a new layout never reads an old one). */
const FORMAT = 2;

/** An index entry: the SHA-256 digest, the record's offset in the pack, its payload's length. */
const ENTRY = 40;

type SpanRow = [number, number, number, number];
type NodeRow =
  | [0, string, number, SpanRow, SpanRow, string, string | null, SpanRow | null]
  | [1, string, string, OptionNode['operator'], 0 | 1, number, string, SpanRow, SpanRow, string, number, (string | number)[]]
  | [2 | 3, string, number, SpanRow];
type CommentRow = [string, number, SpanRow];
type Payload = [number, NodeRow[], CommentRow[]];

/** SHA-256 of a text, hex (crypto.hash where this Node has it: one call, no Hash object). */
const sha256 = (text: string): string =>
  typeof crypto.hash === 'function' ? crypto.hash('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');

export class ParseCache {
  private readonly directory: string;
  private readonly pack: string;
  private readonly indexFile: string;
  /** Where each tree is: its record's offset in the pack and its payload's length (null until read). */
  private index: Map<string, [number, number]> | null = null;
  /** The pack, open for reading the records this run needs (-1: none yet, or none to read). */
  private fd = -1;
  /** Records to write: those parsed by this run; `used`: the keys this run read back; `bad`: records found damaged. */
  private readonly pending = new Map<string, string>();
  private readonly used = new Set<string>();
  private readonly bad = new Set<string>();
  private damaged = false;
  /** Entries read and written by this cache (for tests and benchmarks). */
  readonly stats = { hits: 0, misses: 0, corrupt: 0 };

  /** `root`: the cache's own directory; `version`: what makes entries of another build unusable. */
  constructor(
    private readonly root: string,
    version: string,
  ) {
    this.directory = join(root, `parse-${FORMAT}-${version.replace(/[^\w.+-]/g, '_')}`);
    this.pack = join(this.directory, 'trees');
    this.indexFile = join(this.directory, 'index');
  }

  /**
   * The tree of `text`, as parseProfile(text, file) gives it. `keep`: a
   * tree parsed here is written at exit (false for an editor's unsaved
   * text: read back when it is a saved file's, never stored keystroke by keystroke).
   */
  parse(text: string, file: string, keep = true): ProfileTree {
    const index = this.index ?? this.readIndex();
    const key = sha256(text);
    const at = index.get(key);
    if (at) {
      try {
        const tree = decode(JSON.parse(this.readRecord(key, at[0], at[1])) as Payload, file);
        this.stats.hits++;
        this.used.add(key);
        return tree;
      } catch {
        this.stats.corrupt++;
        this.damaged = true;
        this.bad.add(key);
        index.delete(key);
      }
    } else this.stats.misses++;
    const tree = parseProfileNow(text, file);
    if (keep) this.pending.set(key, JSON.stringify(encode(tree)));
    return tree;
  }

  /** Write the trees this run parsed (the user's cache does at exit). */
  flush(): void {
    this.close();
    if (!this.pending.size && !this.damaged) return;
    try {
      makeCacheDirectory(this.directory);
      const fresh = [...this.pending].map(([k, payload]) => record(k, payload));
      let size = 0;
      try {
        size = statSync(this.pack).size;
      } catch {
        // no pack yet
      }
      const bytes = fresh.reduce((n, r) => n + Buffer.byteLength(r), 0);
      if (this.damaged || size + bytes > MAX_PACK_BYTES) this.rewrite(fresh);
      else this.append(fresh);
      this.prune();
    } catch {
      // a read-only or full cache directory: parse again next time
    }
    this.pending.clear();
    this.damaged = false;
  }

  /** Append records to the pack, then their entries to the index. */
  private append(records: string[]): void {
    const data = Buffer.from(records.join(''));
    const fd = openSync(this.pack, 'a');
    let start: number;
    let end: number;
    try {
      start = fstatSync(fd).size;
      writeSync(fd, data);
      end = fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
    // another run appended between the two sizes: find the records where they landed
    const region = end - start === data.length ? data : readRegion(this.pack, start, end);
    const entries = scan(region, start).filter(([k]) => this.pending.has(k));
    writeFileSync(this.indexFile, indexBytes(entries), { flag: 'a' });
  }

  /** Write the pack and its index again: the good records (only those this run used, when the pack is too large), then `fresh`. */
  private rewrite(fresh: string[]): void {
    let old: Buffer;
    try {
      old = readFileSync(this.pack);
    } catch {
      old = Buffer.alloc(0);
    }
    const keep = this.damaged ? (k: string) => !this.bad.has(k) && !this.pending.has(k) : (k: string) => this.used.has(k) && !this.pending.has(k);
    const kept = new Map<string, string>();
    for (const [k, offset, length] of scan(old, 0)) {
      if (keep(k)) kept.set(k, old.toString('utf8', offset + headerLength(k, length), offset + headerLength(k, length) + length));
    }
    const data = Buffer.from([...kept].map(([k, p]) => record(k, p)).join('') + fresh.join(''));
    const tmp = `${this.pack}.${process.pid}.tmp`;
    const tmpIndex = `${this.indexFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, data);
      writeFileSync(tmpIndex, indexBytes(scan(data, 0)));
      renameSync(tmp, this.pack);
      renameSync(tmpIndex, this.indexFile);
    } finally {
      rmSync(tmp, { force: true });
      rmSync(tmpIndex, { force: true });
    }
  }

  /** Remove the packs of other builds unused for STALE_MS (two installations used in turn keep theirs). */
  private prune(): void {
    const now = Date.now();
    for (const name of readdirSync(this.root)) {
      const dir = join(this.root, name);
      if (!name.startsWith('parse-') || dir === this.directory) continue;
      let used = 0;
      try {
        used = statSync(join(dir, 'trees')).mtimeMs;
      } catch {
        // no pack: nothing to keep
      }
      if (now - used > STALE_MS) rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Read the index (a later entry for the same tree wins; a cut entry, which would shift every later one, is damage). */
  private readIndex(): Map<string, [number, number]> {
    const index = new Map<string, [number, number]>();
    this.index = index;
    let b: Buffer;
    try {
      b = readFileSync(this.indexFile);
    } catch {
      return index;
    }
    if (b.length % ENTRY) this.damaged = true;
    for (let i = 0; i + ENTRY <= b.length; i += ENTRY) index.set(b.toString('hex', i, i + 32), [b.readUInt32LE(i + 32), b.readUInt32LE(i + 36)]);
    return index;
  }

  /** One record's payload, its header checked against the index entry (throws when they differ). */
  private readRecord(key: string, offset: number, length: number): string {
    if (this.fd < 0) this.fd = openSync(this.pack, 'r');
    const header = headerLength(key, length);
    const b = Buffer.allocUnsafe(header + length + 1);
    let n = 0;
    for (let got; n < b.length && (got = readSync(this.fd, b, n, b.length - n, offset + n)) > 0; ) n += got;
    if (n < b.length || b.toString('latin1', 0, header) !== `${key} ${length}\n` || b[b.length - 1] !== 10) throw new Error('not this record');
    return b.toString('utf8', header, header + length);
  }

  private close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

function record(key: string, payload: string): string {
  return `${key} ${Buffer.byteLength(payload)}\n${payload}\n`;
}

/** The length of a record's header line, its newline included. */
const headerLength = (key: string, length: number): number => key.length + 2 + String(length).length;

function readRegion(file: string, start: number, end: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.allocUnsafe(end - start);
    let n = 0;
    for (let got; n < b.length && (got = readSync(fd, b, n, b.length - n, start + n)) > 0; ) n += got;
    return b.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** The whole records of pack bytes (`base`: their offset in the pack), up to the first damaged or unfinished one. */
function scan(b: Buffer, base: number): [string, number, number][] {
  const out: [string, number, number][] = [];
  let i = 0;
  while (i < b.length) {
    const nl = b.indexOf(10, i);
    const m = nl < 0 ? null : /^([0-9a-f]{64}) (\d{1,10})$/.exec(b.toString('latin1', i, nl));
    if (!m) break;
    const end = nl + 1 + Number(m[2]);
    if (end + 1 > b.length || b[end] !== 10) break;
    out.push([m[1]!, base + i, Number(m[2])]);
    i = end + 1;
  }
  return out;
}

function indexBytes(entries: [string, number, number][]): Buffer {
  const b = Buffer.alloc(entries.length * ENTRY);
  entries.forEach(([key, offset, length], i) => {
    b.write(key, i * ENTRY, 32, 'hex');
    b.writeUInt32LE(offset, i * ENTRY + 32);
    b.writeUInt32LE(length, i * ENTRY + 36);
  });
  return b;
}

let shared: ParseCache | null | undefined;

/** The user's parse cache, or null when TSBUILDOUT_PARSE_CACHE=0. */
export function userParseCache(): ParseCache | null {
  if (shared === undefined) {
    const off = ['0', 'off', 'false', 'no'].includes((process.env.TSBUILDOUT_PARSE_CACHE ?? '').toLowerCase());
    shared = off ? null : new ParseCache(userCacheDirectory(), `${VERSION}+${BUILD}`);
    if (shared) process.once('exit', () => shared?.flush());
  }
  return shared;
}

/** parseProfile through the user's parse cache (`keep`: see ParseCache.parse). */
export function parseProfileCached(text: string, file: string, keep = true): ProfileTree {
  return userParseCache()?.parse(text, file, keep) ?? parseProfileNow(text, file);
}

/**
 * parser/parse.ts's parseProfile, its module loaded on first use: the
 * lexer and grammar (chevrotain) take longer to load than a warm cache
 * takes to answer a whole profile. (A require() the bundler resolves and
 * initialises lazily; an import would load it with this module.)
 */
export function parseProfileNow(text: string, file: string): ProfileTree {
  return (require('../parser/parse.ts') as typeof import('../parser/parse.ts')).parseProfile(text, file);
}

const row = (s: Span): SpanRow => [s.line, s.column, s.endLine, s.endColumn];

export function encode(tree: ProfileTree): Payload {
  const nodes = tree.nodes.map((n): NodeRow => {
    switch (n.kind) {
      case 'header':
        return [0, n.name, n.line, row(n.span), row(n.nameSpan), n.tail, n.condition?.text ?? null, n.condition ? row(n.condition.span) : null];
      case 'option':
        return [1, n.key, n.name, n.operator, n.partDependencies ? 1 : 0, n.line, n.text, row(n.span), row(n.keySpan), n.first.text, n.first.column, n.continuation.flatMap((c) => [c.text, c.line])];
      default:
        return [n.kind === 'orphan' ? 2 : 3, n.text, n.line, row(n.span)];
    }
  });
  return [tree.lineCount, nodes, tree.comments.map((c) => [c.text, c.line, row(c.span)])];
}

/** The tree again, with the objects (and their keys' order) parseProfile makes. */
export function decode([lineCount, rows, commentRows]: Payload, file: string): ProfileTree {
  const span = (r: SpanRow): Span => ({ file, line: r[0], column: r[1], endLine: r[2], endColumn: r[3] });
  const nodes = rows.map((r): TreeNode => {
    switch (r[0]) {
      case 0: {
        const h: HeaderNode = { kind: 'header', name: r[1], line: r[2], span: span(r[3]), nameSpan: span(r[4]), tail: r[5] };
        if (r[6] !== null) h.condition = { text: r[6], span: span(r[7]!) };
        return h;
      }
      case 1: {
        const flat = r[11];
        let continuation = NO_CONTINUATION;
        if (flat.length) {
          const lines: { text: string; line: number }[] = [];
          for (let i = 0; i < flat.length; i += 2) lines.push({ text: flat[i] as string, line: flat[i + 1] as number });
          continuation = lines;
        }
        return { kind: 'option', key: r[1], name: r[2], operator: r[3], partDependencies: r[4] === 1, line: r[5], text: r[6], span: span(r[7]), keySpan: span(r[8]), first: { text: r[9], column: r[10] }, continuation };
      }
      case 2:
      case 3:
        return { kind: r[0] === 2 ? 'orphan' : 'junk', text: r[1], line: r[2], span: span(r[3]) };
      default:
        throw new Error('not a node');
    }
  });
  const comments = commentRows.map((c): CommentNode => ({ text: c[0], line: c[1], span: span(c[2]) }));
  if (typeof lineCount !== 'number') throw new Error('not a tree');
  return { file, nodes, comments, lineCount };
}

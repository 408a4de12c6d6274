// Syntax trees kept between runs: a CLI call parses every file of its
// profile cold (software/erp5: 248 files), which costs more than reading
// back what an earlier run parsed. The trees live in one pack file,
// `trees`, under a directory named by tsbuildout's version and its
// parser's build (version.ts), in the user's cache directory
// (profile/user-cache.ts): one file read per run, where a file per tree
// cost hundreds of small reads and writes on a busy disk. Each record is
// found by the SHA-256 of the profile file's text, and holds its tree
// compactly (nodes as arrays, spans without their file, which is the
// reader's: JSON.parse and decode() take a fifth of a cold parse):
//   <sha256 hex> <payload bytes>\n<payload>\n
// A run appends its new trees when it exits, in one write (O_APPEND:
// concurrent runs never interleave records; a record cut short at the end,
// by a writer still at work, is left alone). A damaged record (a bad
// header, or a payload that does not decode) is ignored, and the run then
// writes the whole pack again without it (temporary file, then rename), as
// it does when the pack outgrows MAX_PACK_BYTES (keeping the trees this run
// used). Packs of other builds go once unused for a week.
// TSBUILDOUT_PARSE_CACHE=0 turns the cache off.
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Span } from '../parser/diagnostic.ts';
import type { CommentNode, HeaderNode, OptionNode, ProfileTree, TreeNode } from '../parser/tree.ts';
import { BUILD, VERSION } from '../version.ts';
import { userCacheDirectory } from './user-cache.ts';

/** Another build's pack is removed when it was not written to for this long. */
const STALE_MS = 7 * 24 * 3600 * 1000;

/** Past this size the pack is written again with only the trees the run used. */
const MAX_PACK_BYTES = 64 * 1024 * 1024;

/** How a tree is stored (part of the entry's directory name: a new layout never reads an old one). */
const FORMAT = 1;

type SpanRow = [number, number, number, number];
type NodeRow =
  | [0, string, number, SpanRow, SpanRow, string, string | null, SpanRow | null]
  | [1, string, string, OptionNode['operator'], 0 | 1, number, string, SpanRow, SpanRow, string, number, (string | number)[]]
  | [2 | 3, string, number, SpanRow];
type CommentRow = [string, number, SpanRow];
type Payload = [number, NodeRow[], CommentRow[]];

export class ParseCache {
  private readonly directory: string;
  private readonly pack: string;
  /** The pack as read, and where each tree's payload is in it. */
  private bytes: Buffer | undefined;
  private readonly index = new Map<string, [number, number]>();
  /** Records to write: those parsed by this run; `used`: the keys this run read back. */
  private readonly pending = new Map<string, string>();
  private readonly used = new Set<string>();
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
  }

  /**
   * The tree of `text`, as parseProfile(text, file) gives it. `keep`: a
   * tree parsed here is written at exit (false for an editor's unsaved
   * text: read back when it is a saved file's, never stored keystroke by keystroke).
   */
  parse(text: string, file: string, keep = true): ProfileTree {
    if (!this.bytes) this.read();
    const key = createHash('sha256').update(text).digest('hex');
    const at = this.index.get(key);
    if (at) {
      try {
        const tree = decode(JSON.parse(this.bytes!.toString('utf8', at[0], at[1])) as Payload, file);
        this.stats.hits++;
        this.used.add(key);
        return tree;
      } catch {
        this.stats.corrupt++;
        this.damaged = true;
        this.index.delete(key);
      }
    } else this.stats.misses++;
    const tree = parseProfileNow(text, file);
    if (keep) this.pending.set(key, JSON.stringify(encode(tree)));
    return tree;
  }

  /** Write the trees this run parsed (the user's cache does at exit). */
  flush(): void {
    if (!this.pending.size && !this.damaged) return;
    const records = (keys: Iterable<string>, from: (k: string) => string) => [...keys].map((k) => record(k, from(k))).join('');
    try {
      mkdirSync(this.directory, { recursive: true });
      const fresh = records(this.pending.keys(), (k) => this.pending.get(k)!);
      if (!this.damaged && this.bytes!.length + fresh.length <= MAX_PACK_BYTES) appendFileSync(this.pack, fresh);
      else {
        // the pack again: without its damaged records, or only what this run used
        const kept = this.damaged ? [...this.index.keys()] : [...this.used];
        const old = records(kept, (k) => this.bytes!.toString('utf8', ...this.index.get(k)!));
        const tmp = `${this.pack}.${process.pid}.tmp`;
        try {
          writeFileSync(tmp, old + fresh);
          renameSync(tmp, this.pack);
        } finally {
          rmSync(tmp, { force: true });
        }
      }
      this.prune();
    } catch {
      // a read-only or full cache directory: parse again next time
    }
    this.pending.clear();
    this.damaged = false;
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

  /** Read the pack and index its records. */
  private read(): void {
    try {
      this.bytes = readFileSync(this.pack);
    } catch {
      this.bytes = Buffer.alloc(0);
      return;
    }
    const b = this.bytes;
    let i = 0;
    while (i < b.length) {
      const nl = b.indexOf(10, i);
      const header = nl < 0 ? '' : b.toString('latin1', i, nl);
      const m = /^([0-9a-f]{64}) (\d{1,10})$/.exec(header);
      if (!m) {
        // a writer may still be appending the last record; anything else is damage
        if (nl >= 0) this.damaged = true;
        return;
      }
      const start = nl + 1;
      const end = start + Number(m[2]);
      if (end + 1 > b.length) return;
      if (b[end] !== 10) {
        this.damaged = true;
        return;
      }
      this.index.set(m[1]!, [start, end]);
      i = end + 1;
    }
  }
}

function record(key: string, payload: string): string {
  return `${key} ${Buffer.byteLength(payload)}\n${payload}\n`;
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
        const continuation: OptionNode['continuation'] = [];
        for (let i = 0; i < flat.length; i += 2) continuation.push({ text: flat[i] as string, line: flat[i + 1] as number });
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

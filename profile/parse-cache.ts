// Syntax trees kept between runs: a CLI call parses every file of its
// profile cold (software/erp5: 248 files), which costs more than reading
// back what an earlier run parsed. An entry is found by the SHA-256 of the
// file's text, under a directory named by tsbuildout's version and its
// parser's build (version.ts), in the user's cache directory
// (profile/user-cache.ts). It holds the tree compactly (nodes as arrays,
// spans without their file, which is the reader's: JSON.parse and decode()
// take a fifth of a cold parse) after its length in bytes: an entry cut
// short or that does not decode is corrupt, ignored and written again. Entries are written to a temporary file then renamed, so
// concurrent runs never read a partial one. TSBUILDOUT_PARSE_CACHE=0 turns
// the cache off.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProfile } from '../parser/parse.ts';
import type { Span } from '../parser/diagnostic.ts';
import type { CommentNode, HeaderNode, OptionNode, ProfileTree, TreeNode } from '../parser/tree.ts';
import { BUILD, VERSION } from '../version.ts';
import { userCacheDirectory } from './user-cache.ts';

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
  private made = false;
  /** Entries read and written by this cache (for tests and benchmarks). */
  readonly stats = { hits: 0, misses: 0, corrupt: 0 };

  /** `root`: the cache's own directory; `version`: what makes entries of another build unusable. */
  constructor(
    private readonly root: string,
    version: string,
  ) {
    this.directory = join(root, `parse-${FORMAT}-${version.replace(/[^\w.+-]/g, '_')}`);
  }

  /** The tree of `text`, as parseProfile(text, file) gives it. */
  parse(text: string, file: string): ProfileTree {
    const key = createHash('sha256').update(text).digest('hex');
    const path = join(this.directory, key);
    let stored: Buffer | undefined;
    try {
      stored = readFileSync(path);
    } catch {
      // not cached yet
    }
    if (stored !== undefined) {
      const tree = readEntry(stored, file);
      if (tree) {
        this.stats.hits++;
        return tree;
      }
      this.stats.corrupt++;
    } else this.stats.misses++;
    const tree = parseProfile(text, file);
    this.write(path, tree);
    return tree;
  }

  private write(path: string, tree: ProfileTree): void {
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      if (!this.made) {
        this.made = true;
        this.prepare();
      }
      const payload = JSON.stringify(encode(tree));
      writeFileSync(tmp, `${Buffer.byteLength(payload)}\n${payload}`);
      renameSync(tmp, path);
    } catch {
      // a read-only or full cache directory: parse again next time
      rmSync(tmp, { force: true });
    }
  }

  /** Make the directory; the first run of a new build removes the entries of the others. */
  private prepare(): void {
    if (existsSync(this.directory)) return;
    mkdirSync(this.directory, { recursive: true });
    for (const name of readdirSync(this.root)) {
      if (name.startsWith('parse-') && join(this.root, name) !== this.directory) rmSync(join(this.root, name), { recursive: true, force: true });
    }
  }
}

let shared: ParseCache | null | undefined;

/** The user's parse cache, or null when TSBUILDOUT_PARSE_CACHE=0. */
export function userParseCache(): ParseCache | null {
  if (shared === undefined) {
    const off = ['0', 'off', 'false', 'no'].includes((process.env.TSBUILDOUT_PARSE_CACHE ?? '').toLowerCase());
    shared = off ? null : new ParseCache(userCacheDirectory(), `${VERSION}+${BUILD}`);
  }
  return shared;
}

/** parseProfile through the user's parse cache. */
export function parseProfileCached(text: string, file: string): ProfileTree {
  return userParseCache()?.parse(text, file) ?? parseProfile(text, file);
}

/** The tree of an entry, or undefined when the entry is damaged (cut short, or not what encode() writes). */
function readEntry(stored: Buffer, file: string): ProfileTree | undefined {
  const nl = stored.indexOf(10);
  if (nl < 1 || nl > 12 || Number(stored.toString('latin1', 0, nl)) !== stored.length - nl - 1) return undefined;
  try {
    return decode(JSON.parse(stored.toString('utf8', nl + 1)) as Payload, file);
  } catch {
    return undefined;
  }
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

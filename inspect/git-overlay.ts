// `diff --against REV`: the profile as it was at a git revision, read at
// the same paths as the working tree (so every path-derived value, and
// every signature hash, compares equal when nothing changed). While the
// other variant is inspected, reads of files inside the repository are
// answered from the revision (`git show REV:path`); files the revision
// does not have do not exist. Reads outside the repository go to disk.
//
// This replaces fs.readFileSync and fs.existsSync for the duration of one
// call (and syncs the ESM bindings of node:fs), which is only sound in a
// process doing one thing at a time: the command line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { BuildoutError } from '../parser/diagnostic.ts';

export interface GitRevision {
  /** The repository's top directory. */
  top: string;
  rev: string;
  /** The full commit id. */
  commit: string;
  files: Set<string>;
  dirs: Set<string>;
}

function git(cwd: string, args: string[], encoding: 'utf8' | 'buffer' = 'utf8'): { ok: boolean; out: string | Buffer; err: string } {
  const r = spawnSync('git', ['-C', cwd, ...args], { encoding: encoding === 'utf8' ? 'utf8' : 'buffer', maxBuffer: 1 << 30 });
  return { ok: r.status === 0, out: r.stdout as string | Buffer, err: String(r.stderr ?? r.error?.message ?? '') };
}

/** The revision of the git repository holding `path`. Throws a BuildoutError when there is none. */
export function openRevision(path: string, rev: string): GitRevision {
  const dir = fs.existsSync(path) && fs.statSync(path).isDirectory() ? path : dirname(path);
  const top = git(dir, ['rev-parse', '--show-toplevel']);
  if (!top.ok) throw new BuildoutError({ severity: 'error', rule: 'git', message: `--against: ${dir} is not in a git repository` });
  const topDir = String(top.out).trim();
  const commit = git(topDir, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  if (!commit.ok) throw new BuildoutError({ severity: 'error', rule: 'git', message: `--against: unknown revision '${rev}' in ${topDir}` });
  const list = git(topDir, ['ls-tree', '-r', '-z', '--name-only', String(commit.out).trim()]);
  if (!list.ok) throw new BuildoutError({ severity: 'error', rule: 'git', message: `--against: cannot list ${rev}: ${list.err.trim()}` });
  const files = new Set<string>();
  const dirs = new Set<string>(['']);
  for (const f of String(list.out).split('\0')) {
    if (!f) continue;
    files.add(f);
    for (let d = f; d.includes('/'); ) {
      d = d.slice(0, d.lastIndexOf('/'));
      if (dirs.has(d)) break;
      dirs.add(d);
    }
  }
  return { top: topDir, rev, commit: String(commit.out).trim(), files, dirs };
}

function notFound(path: string): Error {
  const e = new Error(`ENOENT: no such file or directory, open '${path}'`) as NodeJS.ErrnoException;
  e.code = 'ENOENT';
  e.errno = -2;
  e.syscall = 'open';
  e.path = path;
  return e;
}

/** Run `f` with the repository's files read from the revision. */
export async function withRevision<T>(r: GitRevision, f: () => Promise<T>): Promise<T> {
  const realRead = fs.readFileSync;
  const realExists = fs.existsSync;
  // the working tree path of the top may be reached through symbolic links
  const tops = new Set([r.top, fs.realpathSync(r.top)]);
  const inside = (p: unknown): string | undefined => {
    if (typeof p !== 'string' && !(p instanceof URL)) return undefined;
    const abs = resolve(p instanceof URL ? p.pathname : p);
    for (const t of tops) {
      const rel = relative(t, abs);
      if (!rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
    }
    return undefined;
  };
  const cache = new Map<string, Buffer>();
  const read = function (this: unknown, p: fs.PathOrFileDescriptor, options?: unknown): string | Buffer {
    const rel = inside(p);
    if (rel === undefined || rel.startsWith('.git/') || rel === '.git') return (realRead as (...a: unknown[]) => string | Buffer)(p, options);
    if (!r.files.has(rel)) throw notFound(String(p));
    let data = cache.get(rel);
    if (!data) {
      const out = git(r.top, ['show', `${r.commit}:${rel}`], 'buffer');
      if (!out.ok) throw notFound(String(p));
      data = out.out as Buffer;
      cache.set(rel, data);
    }
    const encoding = (typeof options === 'string' ? options : (options as { encoding?: string } | undefined)?.encoding) as BufferEncoding | undefined;
    return encoding ? data.toString(encoding) : Buffer.from(data);
  } as typeof fs.readFileSync;
  const exists = function (p: fs.PathLike): boolean {
    const rel = inside(p);
    if (rel === undefined) return realExists(p);
    return r.files.has(rel) || r.dirs.has(rel);
  } as typeof fs.existsSync;
  fs.readFileSync = read;
  fs.existsSync = exists;
  syncBuiltinESMExports();
  try {
    return await f();
  } finally {
    fs.readFileSync = realRead;
    fs.existsSync = realExists;
    syncBuiltinESMExports();
  }
}

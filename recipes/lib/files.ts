// File helpers with the semantics of slapos.cookbook's librecipe: a file
// that already holds the content only gets its mode fixed, otherwise it is
// replaced (atomically here: a reader never sees half a file).
import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { callValue, intType, osError, PyException } from '../../python/index.ts';
import { RecipeError, type PartOptions, type Recipe } from '../api.ts';

/**
 * The write-ahead hook of the part whose install or update runs now
 * (RecipeContext.created, made current by `announcing`): told each path
 * the part is about to create, before it exists. A run's parts run one at
 * a time in a process (as its working directory: executor/run.ts call), so
 * one variable holds it.
 */
let current: ((path: string) => void) | undefined;

/**
 * Announce a path the running part is about to create and will return as
 * one of its installed paths (nothing outside a part's install or update):
 * the run journals it first, so a run killed before the part is recorded
 * still removes it (README, Running profiles). Every native writer of a
 * part's paths calls this before the path appears.
 */
export function willCreate(path: string): void {
  current?.(resolve(path));
}

/** The recipe, its install and update run with `created` (RecipeContext.created) as the write-ahead hook. */
export function announcing(recipe: Recipe, created: ((path: string) => void) | undefined): Recipe {
  if (!created) return recipe;
  const scoped =
    (f: NonNullable<Recipe['update']>) =>
    async (): Promise<Awaited<ReturnType<typeof f>>> => {
      const before = current;
      current = created;
      try {
        return await f();
      } finally {
        current = before;
      }
    };
  const update = recipe.update;
  return {
    ...(recipe.via ? { via: recipe.via } : {}),
    install: scoped(() => recipe.install()),
    ...(update ? { update: scoped(() => update.call(recipe)) } : {}),
  };
}

/** How a file is written: `exact`, its mode is `mode` whatever the umask; `owned: false`, it is not one of the part's paths (a state file the part keeps, such as a password's storage): not announced. */
export interface WriteOptions {
  exact?: boolean;
  owned?: boolean;
}

/** The name of a temporary beside `name`: dot-named, with this process's id. */
export function temporaryName(name: string): string {
  return `.${name}.tmp-${process.pid}`;
}

const TEMPORARY = /^\..*\.tmp-(\d+)$/;

/** Whether a process of that id exists (one of another user's counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the temporaries (temporaryName) a crashed process left in `dir`:
 * those of a process that is gone. Returns the paths removed.
 */
export function sweepTemporaries(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMPORARY.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    const path = join(dir, name);
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

/**
 * Replace a file atomically: the data goes to a temporary file beside it
 * (dot-named, so that nothing listing a folder — supervisord's services,
 * promises — takes it for one of its files), flushed to disk, then renamed
 * over it; a failure removes the temporary file. The new file's mode is
 * `mode` less the umask, or exactly `mode` with `exact`. The running part
 * (willCreate) is told of the file before its temporary is made.
 */
export function writeAtomically(path: string, data: string | Buffer, mode = 0o666, { exact = false, owned = true }: WriteOptions = {}): void {
  const tmp = join(dirname(path), temporaryName(basename(path)));
  // journalled before anything appears (a kill -9, not a power loss: the journal's write is in
  // the kernel), so that the next run removes the file and sweeps its folder for the temporary
  if (owned) willCreate(path);
  try {
    const fd = openSync(tmp, 'w', mode);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (exact) chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function createFile(path: string, content: string | Buffer, mode = 0o600, { owned = true }: WriteOptions = {}): string {
  const abs = resolve(path);
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  if (existsSync(abs)) {
    try {
      if (readFileSync(abs).equals(data)) {
        if ((statSync(abs).mode & 0o7777) !== mode) chmodSync(abs, mode);
        return abs;
      }
    } catch {
      // unreadable: replace it
    }
  }
  writeAtomically(abs, data, mode, { exact: true, owned });
  return abs;
}

export function createExecutable(path: string, content: string, mode = 0o700): string {
  return createFile(path, content, mode);
}

/** slapos.cookbook's boolean options: y yes 1 true / n no 0 false, any case. */
export function isTrue(value: string | undefined, fallback = false): boolean {
  if (value === undefined) return fallback;
  const v = value.trim().toLowerCase();
  if (['y', 'yes', '1', 'true', 'on'].includes(v)) return true;
  if (['n', 'no', '0', 'false', 'off', ''].includes(v)) return v === '' ? fallback : false;
  return fallback;
}

/** An octal mode string, read as the recipes do: Python's `int(text, 8)` ('700', '0644', '0o755'). */
export function parseMode(text: string): number {
  // octal digits alone (the usual '0700'), as int() reads them, without the evaluator
  if (/^[0-7]{1,12}$/.test(text)) return parseInt(text, 8);
  try {
    return Number(callValue(intType, [text, 8n]) as bigint);
  } catch (e) {
    if (e instanceof PyException) throw new Error(e.message);
    throw e;
  }
}

/** The `mode` option (or another) as a number; undefined when unset or empty; a bad value is the recipe's error. */
export function modeOption(options: PartOptions, part: string, fallback?: string, key = 'mode'): number | undefined {
  const text = options.get(key) || fallback;
  if (!text) return undefined;
  try {
    return parseMode(text);
  } catch (e) {
    throw new RecipeError(`[${part}] ${key}: ${(e as Error).message}`);
  }
}

/**
 * Write a file as Python's open(path, 'w') would (mode 0666 less the umask
 * on creation), but only when its content differs: a re-run rewrites
 * nothing. Returns the absolute path.
 */
export function writeIfChanged(path: string, content: string | Buffer, mode?: number, { owned = true }: WriteOptions = {}): string {
  const abs = resolve(path);
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  let same = false;
  try {
    same = readFileSync(abs).equals(data);
  } catch {
    // missing or unreadable: write it
  }
  if (!same) writeAtomically(abs, data, mode ?? 0o666, { exact: mode !== undefined, owned });
  else if (mode !== undefined && (statSync(abs).mode & 0o7777) !== mode) chmodSync(abs, mode);
  return abs;
}

/**
 * writeIfChanged for a recipe that writes with Python's `open(path, 'w')`:
 * no directory is made, and a failure is the recipe's error with Python's
 * text (`FileNotFoundError: [Errno 2] No such file or directory: '…'`, the
 * last line of zc.buildout's internal-error report).
 */
export function writeAsOpen(path: string, content: string, options: WriteOptions = {}): string {
  try {
    return writeIfChanged(path, content, undefined, options);
  } catch (e) {
    if (typeof (e as NodeJS.ErrnoException).code !== 'string') throw e;
    throw new RecipeError(String(osError(e, path)));
  }
}

/** md5 of files as librecipe's generateHashFromFiles: for each, "<size>\n" then its bytes. */
export function hashFiles(paths: readonly string[]): string {
  const h = createHash('md5');
  for (const p of paths) {
    const data = readFileSync(p);
    h.update(`${data.length}\n`);
    h.update(data);
  }
  return h.digest('hex');
}

export function md5Hex(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

/** os.path.lexists: the path exists, a broken symbolic link included. */
export function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Copy the tree `from` onto `to` (files replaced, modes kept, directories
 * merged); a file of the tree where `to` has a directory (a stand-in's
 * location) replaces it. Returns the files copied.
 */
export function overlayTree(from: string, to: string): string[] {
  const copied: string[] = [];
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    const dst = join(to, name);
    const st = statSync(src);
    const there = lstatSync(dst, { throwIfNoEntry: false });
    if (st.isDirectory()) {
      if (there && !there.isDirectory()) rmSync(dst, { force: true });
      mkdirSync(dst, { recursive: true });
      copied.push(...overlayTree(src, dst));
    } else {
      if (there?.isDirectory()) rmSync(dst, { recursive: true, force: true });
      copyFileSync(src, dst);
      chmodSync(dst, st.mode & 0o7777);
      copied.push(dst);
    }
  }
  return copied;
}

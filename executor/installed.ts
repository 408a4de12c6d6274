// .installed.cfg: what the last run installed, in buildout's format
// (docs/buildout-run.md#the-installedcfg-record), so zc.buildout reads what
// tsbuildout writes and the other way round. Whitespace that the parser would
// lose is written as %(__buildout_space…)s tokens. Written the SlapOS fork's
// way: one [buildout] section, atomically (temporary file, fsync, rename), and
// only when the content changes.
//
// During a run, each change (a part installed, updated or uninstalled) is
// also appended at once to `<record>.journal`, one JSON line, so a run killed
// at any moment has recorded every part it finished, as zc.buildout, which
// rewrites the whole record after each part; rewriting it would make a run
// quadratic in its parts. The next reader replays the journal over the
// record (a torn last line, where the kill struck, is ignored); the end of a
// run writes the record and removes the journal.
//
// The journal is also written ahead: each path a part's install or update
// is about to create (recipes/lib/files.ts willCreate) is appended before
// it exists. A part with such lines and no later line of its own was cut
// (its run killed; a failed install removes them at once, executor/run.ts):
// replay counts it installed-incomplete,
// with those paths (and its recorded ones), so the next run uninstalls it,
// then installs it again if the profile keeps it. It never goes into
// .installed.cfg, which stays what zc.buildout writes: until uninstalled,
// it stays in the journal.
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { writeAtomically } from '../recipes/lib/files.ts';
import { BuildoutError } from '../parser/diagnostic.ts';
import { dedent, isPySpaceCode, pyRstrip, pyStrip, removeLeadingBlankLines } from '../python/index.ts';
import { decode } from '../profile/files.ts';
import { comparePy } from '../profile/merge.ts';
import type { Buildout } from '../profile/buildout.ts';

export interface InstalledState {
  /** Parts in recorded order. */
  parts: string[];
  installedDevelopEggs: string;
  /** The saved options of each part, with __buildout_installed__ and __buildout_signature__. */
  options: Map<string, Map<string, string>>;
  /**
   * Parts cut while being written (the journal's `created` lines): in
   * `parts` and `options` (their `__buildout_installed__` the paths to
   * remove), never in .installed.cfg; a run uninstalls them first.
   */
  incomplete: Set<string>;
}

export function emptyState(): InstalledState {
  return { parts: [], installedDevelopEggs: '', options: new Map(), incomplete: new Set() };
}

const TOKENS: [string, string][] = [
  ['%(__buildout_space__)s', ' '],
  ['%(__buildout_space_n__)s', '\n'],
  ['%(__buildout_space_r__)s', '\r'],
  ['%(__buildout_space_f__)s', '\f'],
  ['%(__buildout_space_v__)s', '\v'],
];

export function decodeValue(value: string): string {
  if (!value.includes('%(')) return value;
  let v = value;
  for (const [k, r] of TOKENS) v = v.replaceAll(k, r);
  return v;
}

/** zc.buildout's _save_option value encoding. */
export function encodeValue(value: string): string {
  let v = value.replace(/[ \t\r\f\v]*\n[ \t\r\f\v\n]*|^[ \t\r\f\v]+|[ \t\r\f\v]+$/g, (m) => {
    const nl = m.indexOf('\n');
    const parts = nl < 0 ? [m] : [m.slice(0, nl), m.slice(nl + 1)];
    return parts
      .map((s) =>
        s
          .replaceAll(' ', '%(__buildout_space__)s')
          .replaceAll('\r', '%(__buildout_space_r__)s')
          .replaceAll('\f', '%(__buildout_space_f__)s')
          .replaceAll('\v', '%(__buildout_space_v__)s')
          .replaceAll('\n', '%(__buildout_space_n__)s'),
      )
      .join('\n\t');
  });
  if (v.startsWith('\n\t')) v = '%(__buildout_space_n__)s' + v.slice(2);
  if (v.endsWith('\n\t')) v = v.slice(0, -2) + '%(__buildout_space_n__)s';
  return v;
}

/** The journal of a record's changes since it was last written. */
export function journalPath(path: string): string {
  return `${path}.journal`;
}

/**
 * One change: a part's options set (`end`: it moves to the end of the
 * order), a part forgotten, or a path a part is about to create (written
 * ahead of it).
 */
export type JournalEntry = { set: string; options: [string, string][]; end: boolean } | { forget: string } | { created: string; path: string };

/** Read .installed.cfg and its journal; a missing file is an empty state, an unreadable one an error. */
export function readInstalled(path: string): InstalledState & { exists: boolean } {
  const journal = readJournal(path);
  if (!existsSync(path) && !journal.length) return { ...emptyState(), exists: false };
  const state = existsSync(path) ? readRecord(path) : emptyState();
  replay(state, journal);
  return { ...state, exists: true };
}

function readRecord(path: string): InstalledState {
  const options = parseInstalled(decode(readFileSync(path), path), path);
  const buildout = options.get('buildout') ?? new Map<string, string>();
  options.delete('buildout');
  const parts = (buildout.get('parts') ?? '').split(/\s+/).filter(Boolean);
  for (const p of parts) {
    if (!options.has(p)) throw damaged(path, `part ${p} is listed in [buildout] parts but has no section`);
  }
  return { parts, installedDevelopEggs: buildout.get('installed_develop_eggs') ?? '', options, incomplete: new Set() };
}

function readJournal(path: string): JournalEntry[] {
  const file = journalPath(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n');
  const out: JournalEntry[] = [];
  lines.forEach((line, i) => {
    const last = i === lines.length - 1;
    if (last && line === '') return;
    try {
      const entry = JSON.parse(line) as JournalEntry;
      if (typeof entry !== 'object' || entry === null || !('set' in entry || 'forget' in entry || 'created' in entry)) throw new Error('not an entry');
      out.push(entry);
    } catch {
      // the last line may be cut where a run was killed: that change is lost, as if not made
      if (!last) throw damaged(file, `invalid line ${JSON.stringify(line.slice(0, 80))}`, i + 1);
    }
  });
  return out;
}

/** Apply journal entries to a state (replaying them twice gives the same state). */
export function replay(state: InstalledState, journal: readonly JournalEntry[]): void {
  if (!journal.length) return;
  const order = new Set(state.parts);
  // the paths of parts being written, until a line of their own says they were recorded or forgotten
  const cut = new Map<string, Set<string>>();
  for (const e of journal) {
    if ('created' in e) {
      let paths = cut.get(e.created);
      if (!paths) cut.set(e.created, (paths = new Set()));
      paths.add(e.path);
    } else if ('forget' in e) {
      cut.delete(e.forget);
      order.delete(e.forget);
      state.options.delete(e.forget);
      state.incomplete.delete(e.forget);
    } else {
      cut.delete(e.set);
      state.options.set(e.set, new Map(e.options));
      state.incomplete.delete(e.set);
      if (e.end) order.delete(e.set);
      order.add(e.set);
    }
  }
  for (const [part, paths] of cut) {
    // what it had recorded (an update cut) and what it was writing: all removed by its uninstall
    const options = new Map(state.options.get(part) ?? []);
    const recorded = (options.get('__buildout_installed__') ?? '').split('\n').filter(Boolean);
    options.set('__buildout_installed__', [...new Set([...recorded, ...paths])].join('\n'));
    state.options.set(part, options);
    state.incomplete.add(part);
    order.add(part);
  }
  state.parts = [...order];
}

/** The journal lines that keep the incomplete parts of a state (all a journal must hold once the record is written). */
function incompleteLines(state: InstalledState): string {
  let out = '';
  for (const part of state.parts) {
    if (!state.incomplete.has(part)) continue;
    for (const path of (state.options.get(part)!.get('__buildout_installed__') ?? '').split('\n').filter(Boolean)) {
      out += JSON.stringify({ created: part, path } satisfies JournalEntry) + '\n';
    }
  }
  return out;
}

function damaged(path: string, what: string, line?: number): BuildoutError {
  return new BuildoutError({
    severity: 'error',
    rule: 'installed-cfg',
    message: `cannot read ${path}: ${what}`,
    ...(line ? { span: { file: path, line, column: 1, endLine: line, endColumn: 1 } } : {}),
    hint: 'the record of installed parts is damaged; fix or remove it (removing it makes the next run reinstall every part)',
  });
}

/**
 * The record's own reader: configparser's rules (continuation lines,
 * repeated sections merged, the last value winning), except that an option
 * name is everything before the first `=`. zc.buildout writes an option
 * named `k +` (a `+=` kept in a section new to the merge) as `k + = …` and
 * then cannot read its own file (zc.buildout issue 63); this reads it.
 */
export function parseInstalled(text: string, path: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  // one pass, each value finished when its last continuation line is read
  // (a record of 5,000 parts is 40,000 lines: no regular expression or
  // closure per line, no value rebuilt per continuation line)
  const lines = (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text).split('\n');
  let current: Map<string, string> | null = null;
  let key: string | null = null;
  let value = '';
  /** The value started empty: its continuation lines are a block, kept as indented (rstripped, blank ones too). */
  let block = false;
  let continued = false;
  const finish = () => {
    if (key === null) return;
    const v = continued && block ? removeLeadingBlankLines(dedent(pyRstrip(value))) : value;
    current!.set(key, decodeValue(v));
    key = null;
  };
  const last = lines.length - 1;
  for (let i = 0; i <= last; i++) {
    const line = lines[i]!;
    if (line === '') {
      if (i === last) break;
    } else {
      const c = line.charCodeAt(0);
      if (c === 35 || c === 59) continue; // comment
      if (!isPySpaceCode(c)) {
        finish();
        const header = c === 91 ? /^\[([^\]]+)\]\s*$/.exec(line) : null;
        if (header) {
          current = sections.get(header[1]!) ?? new Map();
          sections.set(header[1]!, current);
          continue;
        }
        const eq = line.indexOf('=');
        if (!current || eq <= 0) throw damaged(path, `invalid line ${JSON.stringify(line)}`, i + 1);
        key = pyRstrip(line.slice(0, eq));
        value = pyStrip(line.slice(eq + 1));
        block = value === '';
        continued = false;
        continue;
      }
    }
    // an empty or indented line: a continuation of the value being read
    if (key !== null) {
      const piece = block ? pyRstrip(line) : pyStrip(line);
      if (block || piece !== '') {
        value += '\n' + piece;
        continued = true;
      }
    } else if (pyStrip(line) !== '') throw damaged(path, `unexpected indented line ${JSON.stringify(line)}`, i + 1);
  }
  finish();
  return sections;
}

/** The parts .installed.cfg lists: all but the incomplete ones. */
function recordedParts(state: InstalledState): string[] {
  return state.incomplete.size ? state.parts.filter((p) => !state.incomplete.has(p)) : state.parts;
}

export function formatInstalled(state: InstalledState): string {
  const out: string[] = [];
  const section = (name: string, opts: Map<string, string>) => {
    out.push(`[${name}]`);
    for (const k of [...opts.keys()].sort(comparePy)) out.push(`${k} = ${encodeValue(opts.get(k)!)}`);
  };
  const parts = recordedParts(state);
  section('buildout', new Map([['installed_develop_eggs', state.installedDevelopEggs], ['parts', parts.join(' ')]]));
  for (const p of parts) {
    out.push('');
    section(p, state.options.get(p)!);
  }
  return out.join('\n') + '\n';
}

/**
 * zc.buildout's configuration dump at debug level (-vv; buildout.py
 * install): a blank line, `Configuration data:`, every section it has
 * initialised, sorted, each option read and written as the record writes
 * it, a blank line.
 */
export function configurationDump(buildout: Buildout): string {
  const out = ['', 'Configuration data:'];
  for (const name of [...buildout.sections.keys()].sort(comparePy)) {
    out.push(`[${name}]`);
    const options = buildout.sections.get(name)!;
    // every option is read (Options.items()), so none is then "unused", as in zc.buildout
    for (const k of [...new Set([...options.raw.keys(), ...options.data.keys()])].sort(comparePy)) out.push(`${k} = ${encodeValue(options.get(k) ?? '')}`);
  }
  out.push('');
  // the log writes a line's end only when it has none: the closing blank line is its own
  return out.join('\n') + '\n';
}

/**
 * Write the state if it changed, then remove the journal (its changes are
 * in), or replace it with the lines of the parts still incomplete; with no
 * parts and no develop eggs the file is removed. Returns whether the file
 * changed.
 */
export function writeInstalled(path: string, state: InstalledState): boolean {
  const changed = writeRecord(path, state);
  const kept = incompleteLines(state);
  if (kept) writeAtomically(journalPath(path), kept, 0o644, { owned: false });
  else rmSync(journalPath(path), { force: true });
  return changed;
}

function writeRecord(path: string, state: InstalledState): boolean {
  if (!recordedParts(state).length && !state.installedDevelopEggs) {
    if (existsSync(path)) {
      rmSync(path);
      return true;
    }
    return false;
  }
  const text = formatInstalled(state);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  writeAtomically(path, text, 0o644, { owned: false });
  return true;
}

/**
 * The record as a run changes it: each change in memory and, at once, in
 * the journal; `save()` writes the record (at the end of the run).
 */
export class RunRecord {
  private readonly order: Set<string>;
  private fd: number | undefined;
  private changes = 0;
  /** The paths each part being written announced (incomplete parts of the last run included), until it is recorded or forgotten. */
  private readonly writing = new Map<string, Set<string>>();

  /** `path` undefined: a dry run, nothing is written. */
  constructor(
    private readonly path: string | undefined,
    readonly state: InstalledState,
  ) {
    this.order = new Set(state.parts);
    for (const p of state.incomplete) this.writing.set(p, new Set((state.options.get(p)!.get('__buildout_installed__') ?? '').split('\n').filter(Boolean)));
  }

  /** The parts in their current recorded order. */
  get parts(): string[] {
    return [...this.order];
  }

  has(part: string): boolean {
    return this.state.options.has(part);
  }

  /** Whether the part announced paths since it was last recorded (its record line is due even if its options did not change). */
  isWriting(part: string): boolean {
    return this.writing.has(part);
  }

  /** The paths a part announced since it was last recorded. */
  written(part: string): string[] {
    return [...(this.writing.get(part) ?? [])];
  }

  /** Write-ahead: `part` is about to create `path` (RecipeContext.created). */
  created(part: string, path: string): void {
    let paths = this.writing.get(part);
    if (!paths) this.writing.set(part, (paths = new Set()));
    if (paths.has(path)) return;
    paths.add(path);
    this.append({ created: part, path });
  }

  forget(part: string): void {
    this.order.delete(part);
    this.state.options.delete(part);
    this.state.incomplete.delete(part);
    this.writing.delete(part);
    this.append({ forget: part });
  }

  /** The develop eggs this run made (installed_develop_eggs): the record is written at the end. */
  setDevelopEggs(value: string): void {
    this.state.installedDevelopEggs = value;
    this.changes++;
  }

  /** A part installed or updated: its options, at the end of the order when `end` or when it is new. */
  set(part: string, options: Map<string, string>, end: boolean): void {
    const known = this.order.has(part);
    this.state.options.set(part, options);
    this.state.incomplete.delete(part);
    this.writing.delete(part);
    if (end || !known) {
      this.order.delete(part);
      this.order.add(part);
    }
    this.append({ set: part, options: [...options], end: end || !known });
  }

  private append(entry: JournalEntry): void {
    this.changes++;
    if (!this.path) return;
    // no fsync: a killed process loses nothing the kernel has (a write-ahead line is
    // in before the path it announces appears); only the final record is synced
    this.fd ??= openSync(journalPath(this.path), 'a', 0o644);
    writeSync(this.fd, JSON.stringify(entry) + '\n');
  }

  /**
   * Write the record (when something changed, or a journal is left from a
   * killed run) and remove the journal; parts left being written (a recipe
   * failed) stay in it, incomplete.
   */
  save(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
    if (!this.path) return;
    for (const [part, paths] of this.writing) {
      if (this.state.incomplete.has(part) && this.order.has(part)) continue;
      const options = new Map(this.state.options.get(part) ?? []);
      const recorded = (options.get('__buildout_installed__') ?? '').split('\n').filter(Boolean);
      options.set('__buildout_installed__', [...new Set([...recorded, ...paths])].join('\n'));
      this.state.options.set(part, options);
      this.state.incomplete.add(part);
      this.order.add(part);
    }
    this.state.parts = [...this.order];
    if (this.changes || existsSync(journalPath(this.path))) writeInstalled(this.path, this.state);
    this.changes = 0;
  }
}

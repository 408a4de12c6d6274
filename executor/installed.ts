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
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { writeAtomically } from '../recipes/lib/files.ts';
import { BuildoutError } from '../parser/diagnostic.ts';
import { dedent, isPySpaceCode, pyRstrip, pyStrip, removeLeadingBlankLines } from '../python/index.ts';
import { decode } from '../profile/files.ts';
import { comparePy } from '../profile/merge.ts';

export interface InstalledState {
  /** Parts in recorded order. */
  parts: string[];
  installedDevelopEggs: string;
  /** The saved options of each part, with __buildout_installed__ and __buildout_signature__. */
  options: Map<string, Map<string, string>>;
}

export function emptyState(): InstalledState {
  return { parts: [], installedDevelopEggs: '', options: new Map() };
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

/** One change: a part's options set (`end`: it moves to the end of the order), or a part forgotten. */
export type JournalEntry = { set: string; options: [string, string][]; end: boolean } | { forget: string };

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
  return { parts, installedDevelopEggs: buildout.get('installed_develop_eggs') ?? '', options };
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
      if (typeof entry !== 'object' || entry === null || !('set' in entry || 'forget' in entry)) throw new Error('not an entry');
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
  for (const e of journal) {
    if ('forget' in e) {
      order.delete(e.forget);
      state.options.delete(e.forget);
    } else {
      state.options.set(e.set, new Map(e.options));
      if (e.end) order.delete(e.set);
      order.add(e.set);
    }
  }
  state.parts = [...order];
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
  let current: Map<string, string> | null = null;
  let key: string | null = null;
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((line, i) => {
    if (line === '' && i === lines.length - 1) return;
    const c = line.charCodeAt(0);
    if (c === 35 || c === 59) return; // comment
    if (line === '' || isPySpaceCode(c)) {
      if (current && key !== null) {
        const v = current.get(key)!;
        const block = v === '' || isPySpaceCode(v.charCodeAt(0));
        const piece = block ? pyRstrip(line) : pyStrip(line);
        if (block || piece !== '') current.set(key, v + '\n' + piece);
      } else if (pyStrip(line) !== '') throw damaged(path, `unexpected indented line ${JSON.stringify(line)}`, i + 1);
      return;
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      current = sections.get(header[1]!) ?? new Map();
      sections.set(header[1]!, current);
      key = null;
      return;
    }
    const eq = line.indexOf('=');
    if (!current || eq <= 0) throw damaged(path, `invalid line ${JSON.stringify(line)}`, i + 1);
    key = pyRstrip(line.slice(0, eq));
    current.set(key, pyStrip(line.slice(eq + 1)));
  });
  for (const s of sections.values()) {
    for (const [k, v] of s) {
      const finished = v !== '' && isPySpaceCode(v.charCodeAt(0)) ? removeLeadingBlankLines(dedent(pyRstrip(v))) : v;
      s.set(k, decodeValue(finished));
    }
  }
  return sections;
}

export function formatInstalled(state: InstalledState): string {
  const out: string[] = [];
  const section = (name: string, opts: Map<string, string>) => {
    out.push(`[${name}]`);
    for (const k of [...opts.keys()].sort(comparePy)) out.push(`${k} = ${encodeValue(opts.get(k)!)}`);
  };
  section('buildout', new Map([['installed_develop_eggs', state.installedDevelopEggs], ['parts', state.parts.join(' ')]]));
  for (const p of state.parts) {
    out.push('');
    section(p, state.options.get(p)!);
  }
  return out.join('\n') + '\n';
}

/**
 * Write the state if it changed, then remove the journal (its changes are
 * in); with no parts and no develop eggs the file is removed. Returns
 * whether the file changed.
 */
export function writeInstalled(path: string, state: InstalledState): boolean {
  const changed = writeRecord(path, state);
  rmSync(journalPath(path), { force: true });
  return changed;
}

function writeRecord(path: string, state: InstalledState): boolean {
  if (!state.parts.length && !state.installedDevelopEggs) {
    if (existsSync(path)) {
      rmSync(path);
      return true;
    }
    return false;
  }
  const text = formatInstalled(state);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  writeAtomically(path, text, 0o644);
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

  /** `path` undefined: a dry run, nothing is written. */
  constructor(
    private readonly path: string | undefined,
    readonly state: InstalledState,
  ) {
    this.order = new Set(state.parts);
  }

  /** The parts in their current recorded order. */
  get parts(): string[] {
    return [...this.order];
  }

  has(part: string): boolean {
    return this.state.options.has(part);
  }

  forget(part: string): void {
    this.order.delete(part);
    this.state.options.delete(part);
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
    if (end || !known) {
      this.order.delete(part);
      this.order.add(part);
    }
    this.append({ set: part, options: [...options], end: end || !known });
  }

  private append(entry: JournalEntry): void {
    this.changes++;
    if (!this.path) return;
    // no fsync: a killed process loses nothing the kernel has; only the final record is synced
    this.fd ??= openSync(journalPath(this.path), 'a', 0o644);
    writeSync(this.fd, JSON.stringify(entry) + '\n');
  }

  /** Write the record (when something changed, or a journal is left from a killed run) and remove the journal. */
  save(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
    if (!this.path) return;
    this.state.parts = [...this.order];
    if (this.changes || existsSync(journalPath(this.path))) writeInstalled(this.path, this.state);
    this.changes = 0;
  }
}



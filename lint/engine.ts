// Running the rules: every profile is assembled once (files shared across
// profiles), profile rules run on each, file rules once per file, then
// severities are applied (`--rule`, certainty), identical findings seen
// from several profiles are merged, inline suppressions and the baseline
// are honoured, and the findings are sorted by file and position.
import { resolve } from 'node:path';
import type { Severity } from '../parser/diagnostic.ts';
import { carryOver, type CarryStats } from './carry.ts';
import { buildModel, type ProfileModel } from './model.ts';
import { RULES } from './rules/index.ts';
import { suppressed } from './suppress.ts';
import type { Certainty, FileFacts, LintFinding, LintOptions, Report, Rule, RuleListeners, RuleSetting } from './types.ts';
import { semantics as semanticsOf } from '../profile/semantics.ts';
import { Workspace, type LintFile } from './workspace.ts';

export interface LintResult {
  findings: LintFinding[];
  /** The profiles linted (absolute paths). */
  profiles: string[];
  /** Templates of something else than a buildout profile (nginx, haproxy configurations named *.cfg.in): not linted. */
  skipped: string[];
  /** How many files were read. */
  files: number;
  /** Findings dropped by inline suppressions and by the baseline. */
  suppressed: number;
  baselined: number;
}

export interface LintRun {
  options: LintOptions;
  /** Findings to accept (a baseline file's content). */
  baseline?: BaselineEntry[];
  /** Called with each profile model once its rules ran (benchmarks, tests, the language server). */
  onProfile?: (model: ProfileModel) => void;
  /**
   * The files to read through (default: a new workspace). An editor keeps
   * one across runs, so only the files that changed are parsed again (see
   * Workspace.forget); file rules then run on the files of these profiles only.
   */
  workspace?: Workspace;
  /**
   * Run file rules on these files only (default: every file of the
   * profiles): an editor shows one document's findings, and a file rule
   * reports in its own file only.
   */
  fileRulesOn?: ReadonlySet<string>;
  /** Told, for each profile, what its model took over from the workspace's previous model of it (an editor's workspace). */
  onCarry?: (root: string, stats: CarryStats | undefined) => void;
}

/** How many roots an editor's workspace keeps the last model of. */
const KEPT_MODELS = 8;

/** An editor's workspace (one that keeps merges): the last model of each root, by semantics. */
const lastModels = new WeakMap<Workspace, Map<string, ProfileModel>>();

/**
 * File rules' reports, by working directory (messages name paths relative
 * to it), file (a file read again is another object) and rule: a file rule
 * reads nothing but its file, so an editor's workspace replays them for
 * every file the edit did not touch.
 */
const fileReports = new WeakMap<Workspace, Map<string, WeakMap<LintFile, Map<string, Report[]>>>>();

export interface BaselineEntry {
  rule: string;
  file: string;
  message: string;
}

const ORDER: Severity[] = ['info', 'warning', 'error'];

/** The severity a finding gets from its rule's setting and its certainty. */
export function severityOf(setting: Severity, certainty: Certainty, cap?: Severity): Severity {
  let s: Severity = certainty === 'definite' ? setting : certainty === 'weaker' ? ORDER[Math.max(0, ORDER.indexOf(setting) - 1)]! : 'info';
  if (cap && ORDER.indexOf(s) > ORDER.indexOf(cap)) s = cap;
  return s;
}

export function ruleSetting(rule: Rule, options: LintOptions): RuleSetting {
  return options.rules[rule.meta.id] ?? (rule.meta.offByDefault ? 'off' : rule.meta.defaultSeverity);
}

export async function lint(roots: string[], run: LintRun): Promise<LintResult> {
  const options = run.options;
  const workspace = run.workspace ?? new Workspace(options);
  /** The files of this run's profiles (a shared workspace holds others). */
  const ran = new Set<LintFile>();
  const findings = new Map<string, LintFinding>();
  let currentProfile: string | undefined;

  const active: { rule: Rule; listeners: RuleListeners; report: (r: Report) => void; recording?: Report[] | undefined }[] = [];
  for (const rule of RULES) {
    const setting = ruleSetting(rule, options);
    if (setting === 'off') continue;
    const context = {
      options,
      report: (r: Report) => {
        const rec = entry.recording;
        if (rec) rec.push(r);
        const severity = severityOf(setting, r.certainty ?? 'definite', r.maxSeverity);
        const f: LintFinding = { severity, rule: rule.meta.id, message: r.message };
        if (r.span) f.span = workspace.unmask(r.span);
        if (r.related?.length) f.related = r.related.map((x) => (x.span ? { ...x, span: workspace.unmask(x.span) } : x));
        if (r.chain?.length) f.chain = r.chain;
        if (r.hint) f.hint = r.hint;
        if (r.fixes?.length) f.fixes = r.fixes.map((x) => ({ title: x.title, edits: x.edits.map((e) => ({ span: workspace.unmask(e.span), text: e.text })) }));
        const key = [f.rule, f.span?.file, f.span?.line, f.span?.column, f.span?.endLine, f.span?.endColumn, f.message].join('\0');
        const known = findings.get(key);
        if (known) {
          if (ORDER.indexOf(severity) > ORDER.indexOf(known.severity)) known.severity = severity;
          if (currentProfile) {
            if (!known.profiles?.includes(currentProfile)) (known.profiles ??= []).push(currentProfile);
            const by = (known.severityByProfile ??= {});
            const was = by[currentProfile];
            if (!was || ORDER.indexOf(severity) > ORDER.indexOf(was)) by[currentProfile] = severity;
          }
          return;
        }
        if (currentProfile) {
          f.profiles = [currentProfile];
          f.severityByProfile = { [currentProfile]: severity };
        }
        findings.set(key, f);
      },
    };
    const section = (model: ProfileModel, name: string, body: () => void, version?: string) => {
      // kept as [version, ...reports]: one version per section and rule
      const kept = model.keptReports<unknown>(name, rule.meta.id);
      if (kept && kept[0] === version) {
        for (let i = 1; i < kept.length; i++) context.report(kept[i] as Report);
        return;
      }
      const recording: Report[] = [];
      entry.recording = recording;
      try {
        body();
      } finally {
        entry.recording = undefined;
      }
      model.keepReports(name, rule.meta.id, [version, ...recording]);
    };
    const entry: (typeof active)[number] = { rule, listeners: rule.create({ ...context, section }), report: context.report };
    active.push(entry);
  }

  const profiles: string[] = [];
  const skipped: string[] = [];
  for (const r of roots) {
    const path = resolve(options.cwd, r);
    const root = workspace.local(path);
    profiles.push(path);
    currentProfile = path;
    if (root) ran.add(root);
    if (!root) {
      findings.set('missing\0' + path, { severity: 'error', rule: 'missing-extends', message: `cannot read ${path}`, profiles: [path] });
      continue;
    }
    if (root.notProfile) {
      skipped.push(path);
      continue;
    }
    let model;
    try {
      model = await buildModel(workspace, root, options.semantics);
      if (workspace.keptMerges) {
        let last = lastModels.get(workspace);
        if (!last) lastModels.set(workspace, (last = new Map()));
        const key = `${options.semantics}\0${options.cwd}\0${path}`;
        const prev = last.get(key);
        const stats = prev && carryOver(prev, model);
        run.onCarry?.(path, stats);
        last.delete(key);
        last.set(key, model);
        // a large profile's model weighs tens of megabytes: the roots edited last only
        for (const k of last.keys()) if (last.size > KEPT_MODELS) last.delete(k);
      }
    } catch (e) {
      findings.set('internal\0' + path, internalError(path, 'loading the profile', e));
      continue;
    }
    for (const a of active) {
      try {
        await a.listeners.profile?.(model);
      } catch (e) {
        findings.set(`internal\0${path}\0${a.rule.meta.id}`, internalError(path, `rule ${a.rule.meta.id}`, e));
      }
    }
    for (const f of model.files) ran.add(f);
    run.onProfile?.(model);
  }
  currentProfile = undefined;
  const sem = semanticsOf(options.semantics);
  const conditions = workspace.conditions(sem);
  let kept: WeakMap<LintFile, Map<string, Report[]>> | undefined;
  if (workspace.keptMerges) {
    let byCwd = fileReports.get(workspace);
    if (!byCwd) fileReports.set(workspace, (byCwd = new Map()));
    // a file changed on disk (an md5sum's file, …): replay nothing older
    const key = `${workspace.diskChanges}\0${options.cwd}`;
    kept = byCwd.get(key);
    if (!kept) {
      for (const k of byCwd.keys()) if (!k.startsWith(`${workspace.diskChanges}\0`)) byCwd.delete(k);
      byCwd.set(key, (kept = new WeakMap()));
    }
  }
  for (const file of workspace.files()) {
    if (file.notProfile || !ran.has(file) || (run.fileRulesOn && !run.fileRulesOn.has(file.path))) continue;
    let factsMade: FileFacts | undefined;
    const facts = (): FileFacts => {
      if (factsMade) return factsMade;
      const sections = workspace.sections(file, sem);
      const heads: FileFacts['conditions'] = [];
      for (const node of file.tree.nodes) {
        if (node.kind !== 'header' || !node.condition || node.condition.text === '') continue;
        const o = conditions.outcomes.get(node);
        if (o) heads.push([node, o]);
      }
      return (factsMade = { sections, conditions: heads, semantics: sem, workspace });
    };
    let byRule = kept?.get(file);
    if (kept && !byRule) kept.set(file, (byRule = new Map()));
    for (const a of active) {
      if (!a.listeners.file) continue;
      const replay = byRule?.get(a.rule.meta.id);
      if (replay) {
        for (const r of replay) a.report(r);
        continue;
      }
      const recording: Report[] = [];
      a.recording = recording;
      try {
        a.listeners.file(file, facts());
        byRule?.set(a.rule.meta.id, recording);
      } catch (e) {
        findings.set(`internal\0${file.path}\0${a.rule.meta.id}`, internalError(file.path, `rule ${a.rule.meta.id}`, e));
      } finally {
        a.recording = undefined;
      }
    }
  }

  let suppressedCount = 0;
  let baselined = 0;
  const budget = new Map<string, number>();
  for (const b of run.baseline ?? []) {
    const k = baselineKey(b.rule, resolve(options.cwd, b.file), b.message);
    budget.set(k, (budget.get(k) ?? 0) + 1);
  }
  const out: LintFinding[] = [];
  for (const f of findings.values()) {
    if (f.span && suppressed(workspace, f)) {
      suppressedCount++;
      continue;
    }
    const k = baselineKey(f.rule, f.span?.file ?? '', f.message);
    const left = budget.get(k) ?? 0;
    if (left > 0) {
      budget.set(k, left - 1);
      baselined++;
      continue;
    }
    if (f.span) {
      const line = workspace.peek(f.span.file)?.lines[f.span.line - 1];
      if (line !== undefined) f.sourceLine = line;
    }
    out.push(f);
  }
  out.sort(compareFindings);
  return { findings: out, profiles: profiles.filter((p) => !skipped.includes(p)), skipped, files: ran.size, suppressed: suppressedCount, baselined };
}

/** A bug of the linter: reported as a finding (lint goes on with the other rules and profiles). */
function internalError(path: string, doing: string, e: unknown): LintFinding {
  const stack = e instanceof Error ? (e.stack ?? e.message) : String(e);
  return {
    severity: 'error',
    rule: 'internal-error',
    message: `tsbuildout failed while ${doing} for ${path}: ${e instanceof Error ? e.message : String(e)} (a bug in tsbuildout; please report it with this message)`,
    span: { file: path, line: 1, column: 1, endLine: 1, endColumn: 1 },
    chain: stack.split('\n').slice(1, 8).map((l) => l.trim()),
  };
}

function baselineKey(rule: string, file: string, message: string): string {
  return rule + '\0' + file + '\0' + message;
}

export function compareFindings(a: LintFinding, b: LintFinding): number {
  const fa = a.span?.file ?? '';
  const fb = b.span?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  return (a.span?.line ?? 0) - (b.span?.line ?? 0) || (a.span?.column ?? 0) - (b.span?.column ?? 0) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

/** Summary counts by severity. */
export function countBySeverity(findings: LintFinding[]): Record<Severity, number> {
  const out: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) out[f.severity]++;
  return out;
}

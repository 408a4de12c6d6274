// `plan`: what a run would do to each part, and why, without running any
// recipe's install or update code. The decisions are the executor's own
// (executor/plan.ts computes them for both); this module explains them: the options that changed
// with where each new value is written, a changed recipe, and (SlapOS
// semantics) the dependency whose signature changed, the reference that
// makes it a dependency, and, down the chain, what changed there.
//
// Values computed by a recipe whose init is not run here are unknown
// (host.ts); a difference that only they could make is reported as
// uncertain and does not by itself reinstall the part.
import { statSync } from 'node:fs';
import { BuildoutError } from '../parser/diagnostic.ts';
import { sortedPy } from '../profile/merge.ts';
import { lineOrigins } from '../profile/provenance.ts';
import { pySplitWhitespace } from '../python/index.ts';
import { emptyState, readInstalled, type InstalledState } from '../executor/installed.ts';
import { currentOptions, savedOptions } from '../executor/options.ts';
import { optionChanges, planRun, selectParts, signParts, type OptionChange } from '../executor/plan.ts';
import { runView } from '../executor/view.ts';
import type { SoftwareStep } from '../recipes/api.ts';
import { couldBe, hasUnknown, unknownSources } from './host.ts';
import { edgeLabel, edgeSpan, type Edge, type Inspection } from './model.ts';
import { linesWithOrigins, originOf, referencesOf, spanJson, stepOrigin, type LineWithOrigin, type Origin, type ReferenceUse } from './origin.ts';
import { firstChain } from './why.ts';

export type Action = 'install' | 'reinstall' | 'uninstall' | 'update' | 'unchanged';

export interface EdgeRef {
  from: string;
  to: string;
  kind: Edge['kind'];
  label: string;
  option: string;
  at?: { file: string; line: number; column: number };
}

export interface ValueChange {
  option: string;
  /** Absent: the option is new. */
  old?: string;
  /** Absent: the option is gone. */
  new?: string;
  origin?: Origin;
  /** The lines of a multi-line new value, each with where it is written. */
  lines?: LineWithOrigin[];
  /** The references the new value expands. */
  references?: ReferenceUse[];
  /** Set when the difference may not be real: the new value has parts a recipe not run here computes. */
  uncertain?: string;
}

export type Reason =
  | { kind: 'new'; listed: boolean; via?: EdgeRef[] }
  | { kind: 'not-selected' }
  | { kind: 'kept'; detail: string }
  | { kind: 'options-changed'; changes: ValueChange[] }
  | { kind: 'recipe-changed'; old?: string; new?: string; what: 'recipe' | 'version'; origin?: Origin }
  | {
      kind: 'dependency-changed';
      dependency: string;
      change: 'changed' | 'added' | 'removed';
      /** The references of the part that make it depend on the section. */
      via: EdgeRef[];
      /** The dependency is a part: its own plan item explains what changed in it. */
      dependencyAction?: Action;
      /** The chain of parts down to the one whose own options changed (the part itself first). */
      path?: string[];
      /** The dependency is not a part (not recorded): its options written in files changed since the last run. */
      suspects?: Suspect[];
      /** The dependency's values that changed, when the previous ones are known (diff). */
      changes?: ValueChange[];
      uncertain?: string;
    }
  | { kind: 'files-missing'; files: string[] }
  | { kind: 'incomplete'; files: string[] }
  | { kind: 'no-update-method' }
  | { kind: 'signature-not-checked' };

export interface Suspect {
  option: string;
  origin?: Origin;
}

export interface PlanItem {
  part: string;
  action: Action;
  recipe?: string;
  reasons: Reason[];
  /** Why the decision might differ in a real run. */
  uncertain?: string[];
  /** The part's recipe init is not run here, and why. */
  initNotRun?: string;
  /** What its install would do with software (build, reuse a shared part, downloads), as its recipe says (Recipe.plan). */
  software?: SoftwareStep[];
}

export interface Plan {
  directory: string;
  installed: string;
  /** Whether .installed.cfg exists. */
  recorded: boolean;
  semantics: string;
  checkSignature: boolean;
  items: PlanItem[];
  summary: Record<Action, number>;
}

export interface PlanOptions {
  /** `install PART …`: only these parts. */
  parts?: string[];
  /** Compare against this state instead of the buildout's .installed.cfg (diff). */
  state?: InstalledState;
  /** The previous values of sections that are not parts, when known (diff). */
  previousSections?: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/**
 * The executor's part selection and signatures (executor/plan.ts), on an
 * inspection: afterwards every selected part carries its
 * __buildout_signature__, as in a run before the uninstall pass.
 */
export function prepareRun(insp: Inspection, args: string[] = []): { installParts: string[] } {
  if (insp.partsError) throw insp.partsError;
  const installParts = selectParts(insp.buildout, insp.host.parts, args);
  signParts(insp.buildout, installParts, insp.host.parts);
  return { installParts };
}

/** The record a run of this inspection would leave (no files): what `diff` compares the other variant with. */
export function stateOf(insp: Inspection): InstalledState {
  const { installParts } = prepareRun(insp);
  const state = emptyState();
  for (const part of installParts) {
    const options = insp.buildout.section(part);
    const saved = savedOptions(insp.buildout, options);
    saved.set('__buildout_installed__', '');
    state.parts.push(part);
    state.options.set(part, saved);
  }
  return state;
}

function edgeRef(insp: Inspection, e: Edge): EdgeRef {
  const out: EdgeRef = { from: e.from, to: e.to, kind: e.kind, label: edgeLabel(e), option: e.option };
  const at = spanJson(edgeSpan(insp, e));
  if (at) out.at = at;
  return out;
}

/** The edges through which `from` depends on `to` (macro edges aside). */
export function directEdges(insp: Inspection, from: string, to: string): EdgeRef[] {
  return insp.edges.filter((e) => e.from === from && e.to === to && e.kind !== 'macro').map((e) => edgeRef(insp, e));
}

interface Signature {
  recipe: string;
  deps: Map<string, string>;
}

function parseSignature(text: string | undefined): Signature {
  const tokens = (text ?? '').split(/\s+/).filter(Boolean);
  const deps = new Map<string, string>();
  const recipe: string[] = [];
  for (const t of tokens) {
    const m = /^(.*):([0-9a-f]{32})$/.exec(t);
    if (m) deps.set(m[1]!, m[2]!);
    else recipe.push(t);
  }
  return { recipe: recipe.join(' '), deps };
}

/** Which sections' hashes (as signatures use them) depend on values not known here. */
class Uncertainty {
  private readonly memo = new Map<string, boolean>();

  constructor(
    private readonly insp: Inspection,
    private readonly parts: ReadonlySet<string>,
  ) {}

  /** Does the hash of this section's options rest on unknown values? */
  section(name: string, doing = new Set<string>()): boolean {
    const known = this.memo.get(name);
    if (known !== undefined) return known;
    if (doing.has(name)) return false;
    doing.add(name);
    const { buildout, host } = this.insp;
    const opts = buildout.sections.get(name);
    let out = false;
    if (opts) {
      for (const v of savedOptions(buildout, opts).values()) if (hasUnknown(v)) out = true;
      if (!out && this.parts.has(name)) {
        if (host.parts.get(name)?.init === 'not-run') out = true;
        else for (const d of opts.dependencies) if (this.section(d, doing)) out = true;
      }
    }
    this.memo.set(name, out);
    return out;
  }
}

function valueChange(insp: Inspection, part: string, c: OptionChange, notRun: boolean): ValueChange {
  const out: ValueChange = { option: c.option };
  if (c.old !== undefined) out.old = c.old;
  if (c.new !== undefined) out.new = c.new;
  if (c.new !== undefined) {
    const o = originOf(insp, part, c.option);
    if (o) out.origin = o;
    if (c.new.includes('\n')) {
      const lines = linesWithOrigins(insp, part, c.option);
      if (lines && lines.map((l) => l.text).join('\n') === c.new) out.lines = lines;
    }
    const refs = referencesOf(insp, part, c.option);
    if (refs.length) out.references = refs;
    if (hasUnknown(c.new) && (c.old === undefined || couldBe(c.new, c.old))) {
      out.uncertain = `computed by the recipes of ${unknownSources(c.new).map((s) => `[${s}]`).join(', ')}, whose init is not run here`;
    }
  } else if (notRun) {
    out.uncertain = `the recipe's init, not run here, may set it`;
  }
  return out;
}

/** Options of a section whose defining files changed after `since` (ms): the likely edits. */
function suspects(insp: Inspection, section: string, since: number | undefined): Suspect[] {
  const opts = insp.buildout.sections.get(section);
  if (!opts || since === undefined) return [];
  const out: Suspect[] = [];
  const mtimes = new Map<string, number>();
  const mtime = (f: string) => {
    let t = mtimes.get(f);
    if (t === undefined) {
      try {
        t = statSync(f).mtimeMs;
      } catch {
        t = 0;
      }
      mtimes.set(f, t);
    }
    return t;
  };
  for (const k of sortedPy(opts.raw.keys())) {
    const e = opts.raw.get(k)!;
    const files = new Set(lineOrigins(e).map((o) => o?.file).filter((f): f is string => !!f));
    for (let h: typeof e.history | null = e.history; h; h = h.prev) if (h.step.origin) files.add(h.step.origin.file);
    const newer = [...files].filter((f) => mtime(f) > since);
    if (newer.length) out.push({ option: k, origin: stepOrigin(e) });
  }
  return out;
}


/** The plan of a run of this inspection against its .installed.cfg (or `opts.state`). */
export function plan(insp: Inspection, opts: PlanOptions = {}): Plan {
  const { buildout, host } = insp;
  const args = opts.parts ?? [];
  const b = buildout.section('buildout');
  const directory = b.require('directory');
  const installedPath = b.require('installed');
  let state: InstalledState & { exists?: boolean };
  let recordedAt: number | undefined;
  if (opts.state) state = opts.state;
  else {
    state = installedPath ? readInstalled(installedPath) : { ...emptyState(), exists: false };
    try {
      if (installedPath) recordedAt = statSync(installedPath).mtimeMs;
    } catch {
      // no record
    }
  }
  for (const p of args) {
    if (!buildout.rawSection(p)) throw new BuildoutError({ severity: 'error', rule: 'undefined-section', message: `The referenced section, '${p}', was not defined.` });
  }
  if (insp.partsError) throw insp.partsError;
  // the executor's own decisions; what follows explains them
  const { installParts, checkSignature, uninstalls: removals } = planRun(buildout, state, host.parts, args);
  const selected = new Set(installParts);
  const uncertainty = new Uncertainty(insp, selected);
  const removed = new Map(removals.map((u) => [u.part, u]));
  const confParts = new Set(pySplitWhitespace(b.require('parts')));

  const items = new Map<string, PlanItem>();
  const order: string[] = [];
  const add = (item: PlanItem) => {
    items.set(item.part, item);
    order.push(item.part);
  };

  for (const u of removals) {
    if (u.reason.kind !== 'not-selected' && !(u.reason.kind === 'incomplete' && !selected.has(u.part))) continue;
    const item: PlanItem = { part: u.part, action: 'uninstall', reasons: [u.reason.kind === 'incomplete' ? u.reason : { kind: 'not-selected' }] };
    const recipe = state.options.get(u.part)?.get('recipe');
    if (recipe) item.recipe = recipe;
    add(item);
  }

  for (const part of installParts) {
    const info = host.parts.get(part)!;
    const item: PlanItem = { part, action: 'install', recipe: info.recipe, reasons: [] };
    if (info.init === 'not-run' && info.note) item.initNotRun = info.note;
    const saved = state.options.get(part);
    const u = removed.get(part);
    if (!saved) {
      const listed = confParts.has(part);
      const reason: Reason = { kind: 'new', listed };
      const chain = firstChain(insp, part);
      if (chain) reason.via = chain.map((e) => edgeRef(insp, e));
      item.reasons.push(reason);
    } else if (u && (u.reason.kind === 'files-missing' || u.reason.kind === 'incomplete')) {
      item.action = 'reinstall';
      item.reasons.push(u.reason);
    } else if (u && u.reason.kind === 'options-changed') {
      explainChanges(insp, item, part, u.reason.changes, uncertainty, recordedAt, opts.previousSections);
    } else {
      item.action = 'unchanged';
      if (!checkSignature) {
        const sig = optionChanges(saved, currentOptions(buildout, buildout.section(part)), true);
        if (sig.length) {
          item.action = 'update';
          item.reasons.push({ kind: 'signature-not-checked' });
        }
      }
      if (info.init === 'ran' && info.recipeObject && !info.recipeObject.update) {
        item.action = 'update';
        item.reasons.push({ kind: 'no-update-method' });
      }
    }
    add(item);
  }

  // what the parts that install() runs for would do with software, as their recipes decide it
  const offline = runView(buildout).offline;
  for (const item of items.values()) {
    const runs = item.action === 'install' || item.action === 'reinstall' || item.reasons.some((r) => r.kind === 'no-update-method');
    const steps = runs ? host.parts.get(item.part)?.recipeObject?.plan?.({ offline }) : undefined;
    if (steps?.length) item.software = steps;
  }

  // installed parts a partial run (install PART …) leaves alone
  for (const p of state.parts) {
    if (!items.has(p)) {
      const item: PlanItem = { part: p, action: 'unchanged', reasons: [{ kind: 'kept', detail: 'not selected by install PART …: left as it is' }] };
      const recipe = state.options.get(p)?.get('recipe');
      if (recipe) item.recipe = recipe;
      add(item);
    }
  }

  // dependency chains, now that every part has its action
  for (const item of items.values()) {
    for (const r of item.reasons) {
      if (r.kind !== 'dependency-changed') continue;
      const dep = items.get(r.dependency);
      if (!dep) continue;
      r.dependencyAction = dep.action;
      if (r.change === 'changed' && (dep.action === 'reinstall' || dep.action === 'install')) r.path = [item.part, ...rootPath(items, r.dependency)];
    }
  }

  const summary: Record<Action, number> = { install: 0, reinstall: 0, uninstall: 0, update: 0, unchanged: 0 };
  const list = order.map((p) => items.get(p)!);
  for (const i of list) summary[i.action]++;
  return {
    directory,
    installed: installedPath,
    recorded: opts.state ? true : !!(state as { exists?: boolean }).exists,
    semantics: buildout.semantics.mode,
    checkSignature,
    items: list,
    summary,
  };
}

function explainChanges(
  insp: Inspection,
  item: PlanItem,
  part: string,
  changes: OptionChange[],
  uncertainty: Uncertainty,
  recordedAt: number | undefined,
  previous: PlanOptions['previousSections'],
): void {
  const info = insp.host.parts.get(part)!;
  const notRun = info.init === 'not-run';
  const certain: Reason[] = [];
  const doubtfulReasons: Reason[] = [];
  const doubts: string[] = [];
  const values: ValueChange[] = [];
  for (const c of changes) {
    if (c.option === '__buildout_signature__') continue;
    const v = valueChange(insp, part, c, notRun);
    if (c.option === 'recipe' && !v.uncertain) {
      const r: Reason = { kind: 'recipe-changed', what: 'recipe' };
      if (c.old !== undefined) r.old = c.old;
      if (c.new !== undefined) r.new = c.new;
      if (v.origin) r.origin = v.origin;
      certain.push(r);
      continue;
    }
    values.push(v);
    if (v.uncertain) doubts.push(`option ${c.option}: ${v.uncertain}`);
  }
  if (values.length) (values.some((v) => !v.uncertain) ? certain : doubtfulReasons).push({ kind: 'options-changed', changes: values });

  const sig = changes.find((c) => c.option === '__buildout_signature__');
  if (sig) {
    const old = parseSignature(sig.old);
    const now = parseSignature(sig.new);
    if (old.recipe !== now.recipe && !certain.some((r) => r.kind === 'recipe-changed')) {
      const r: Reason = { kind: 'recipe-changed', what: 'version', new: now.recipe };
      if (old.recipe) r.old = old.recipe;
      certain.push(r);
    }
    for (const dep of sortedPy(new Set([...old.deps.keys(), ...now.deps.keys()]))) {
      const a = old.deps.get(dep);
      const n = now.deps.get(dep);
      if (a === n) continue;
      const change = a === undefined ? 'added' : n === undefined ? 'removed' : 'changed';
      const r: Extract<Reason, { kind: 'dependency-changed' }> = { kind: 'dependency-changed', dependency: dep, change, via: change === 'removed' ? [] : directEdges(insp, part, dep) };
      if (change === 'changed' && uncertainty.section(dep)) {
        r.uncertain = `the options of [${dep}] depend on values computed by recipes whose init is not run here`;
      } else if (change === 'removed' && notRun) {
        r.uncertain = `the recipe's init, not run here, may read [${dep}]`;
      }
      if (r.uncertain) {
        doubts.push(`dependency [${dep}]: ${r.uncertain}`);
        doubtfulReasons.push(r);
        continue;
      }
      if (change === 'changed' && !insp.buildout.parts.includes(dep)) {
        const before = previous?.get(dep);
        if (before) {
          const now = savedOptions(insp.buildout, insp.buildout.section(dep));
          const diffs = optionChanges(before, now, false).map((c) => valueChange(insp, dep, c, false));
          if (diffs.length) r.changes = diffs;
        } else {
          const s = suspects(insp, dep, recordedAt);
          if (s.length) r.suspects = s;
        }
      }
      certain.push(r);
    }
  }
  // with only differences unknown values could explain, a run would most likely keep the part
  item.action = certain.length ? 'reinstall' : 'unchanged';
  item.reasons.push(...certain, ...doubtfulReasons);
  if (doubts.length) item.uncertain = doubts;
}

/** From a reinstalled part, the chain of changed dependencies down to a part that changed on its own. */
function rootPath(items: Map<string, PlanItem>, part: string): string[] {
  const path = [part];
  const on = new Set(path);
  let cur = items.get(part);
  while (cur) {
    const own = cur.reasons.some((r) => r.kind !== 'dependency-changed');
    if (own) break;
    const next = cur.reasons.find(
      (r): r is Extract<Reason, { kind: 'dependency-changed' }> => r.kind === 'dependency-changed' && !on.has(r.dependency) && (items.get(r.dependency)?.action === 'reinstall' || items.get(r.dependency)?.action === 'install'),
    );
    if (!next) break;
    path.push(next.dependency);
    on.add(next.dependency);
    cur = items.get(next.dependency);
  }
  return path;
}

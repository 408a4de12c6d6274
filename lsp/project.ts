// The server's memory between requests: the open documents' unsaved texts,
// one lint workspace (every file read and parsed once, kept until it
// changes), and per profile the last analysis (the lint model, with its
// tolerant resolver, and the findings). An edit makes the workspace forget
// the edited file only and drops the analyses that read it; the next
// request analyses those again, re-parsing that one file and resolving the
// profiles that include it, every other file's parse reused.
import { dirname } from 'node:path';
import { lint } from '../lint/engine.ts';
import { jinjaSections } from '../lint/jinja-sections.ts';
import type { ProfileModel } from '../lint/model.ts';
import type { LintFinding } from '../lint/types.ts';
import { Workspace, type LintFile } from '../lint/workspace.ts';
import type { Settings } from './settings.ts';

export interface Analysis {
  root: string;
  /** The profile model (absent when the file cannot be read or is no profile). */
  model: ProfileModel | undefined;
  findings: LintFinding[];
  /** Every file the analysis read: a change to one of them makes it stale. */
  files: Set<string>;
  /** The files it renders with Jinja2 (a subset of files). */
  templates: Set<string>;
}

/** Analyses kept beyond those of open documents (a large profile's model weighs tens of megabytes). */
const KEPT_CLOSED = 6;

export class Project {
  /** Unsaved texts of open documents, by path. */
  private readonly unsaved = new Map<string, string>();
  private workspaceNow: Workspace;
  private readonly analyses = new Map<string, Promise<Analysis>>();
  private readonly settled = new Map<string, Analysis>();
  /** Bumped at every change: an analysis started before a change is not kept. */
  private generation = 0;

  constructor(private settingsNow: Settings) {
    this.workspaceNow = this.newWorkspace();
  }

  get settings(): Settings {
    return this.settingsNow;
  }

  get workspace(): Workspace {
    return this.workspaceNow;
  }

  private newWorkspace(): Workspace {
    const s = this.settingsNow;
    return new Workspace({ semantics: s.semantics, executable: s.python, env: s.env, rules: s.rules, cwd: '/' }, (p) => this.unsaved.get(p), true);
  }

  /** New settings: everything is read and analysed again. */
  configure(settings: Settings): void {
    this.settingsNow = settings;
    this.workspaceNow = this.newWorkspace();
    this.analyses.clear();
    this.settled.clear();
    this.generation++;
  }

  /**
   * An open document's text (undefined: the document was closed, the file
   * on disk counts again); returns the roots whose analysis it made stale.
   * An edit that only changes comments (not suppression comments) of a
   * buildout file that no analysis renders as a template changes nothing
   * an analysis read: the analyses stay, only the file is parsed again.
   */
  setText(path: string, text: string | undefined): string[] {
    const before = this.workspaceNow.peek(path);
    if (text === undefined) this.unsaved.delete(path);
    else this.unsaved.set(path, text);
    if (before && text !== undefined) {
      this.workspaceNow.forget(path);
      const after = this.workspaceNow.local(path);
      if (after && sameMeaning(before, after) && !this.readAsTemplate(path)) return [];
    }
    return this.changed(path);
  }

  /** Does a kept analysis render the file with Jinja2 (which reads its comments)? */
  private readAsTemplate(path: string): boolean {
    for (const a of this.settled.values()) if (a.templates.has(path)) return true;
    return false;
  }

  isOpen(path: string): boolean {
    return this.unsaved.has(path);
  }

  text(path: string): string | undefined {
    return this.unsaved.get(path) ?? this.workspaceNow.text(path) ?? undefined;
  }

  /** A file changed (edited, or on disk): forget it; returns the roots whose analysis it made stale. */
  changed(path: string): string[] {
    this.generation++;
    this.workspaceNow.forget(path);
    const stale: string[] = [];
    for (const [root, a] of this.settled) {
      if (root === path || a.files.has(path)) {
        stale.push(root);
        this.settled.delete(root);
        this.analyses.delete(root);
      }
    }
    // analyses still running read who knows which version: start again
    for (const root of this.analyses.keys()) if (!this.settled.has(root)) this.analyses.delete(root);
    if (!stale.includes(path)) stale.push(path);
    return stale;
  }

  /** The analyses done so far. */
  known(): Analysis[] {
    return [...this.settled.values()];
  }

  /** The file as the workspace parsed it (its current text). */
  file(path: string): LintFile | undefined {
    return this.workspaceNow.local(path);
  }

  /** The analysis of a profile (linted as `tsbuildout lint PATH` would), kept until one of its files changes. */
  analysis(root: string): Promise<Analysis> {
    let a = this.analyses.get(root);
    if (a) return a;
    const generation = this.generation;
    a = this.analyse(root).then((result) => {
      if (this.generation === generation) {
        this.settled.set(root, result);
        this.evict();
      } else if (this.analyses.get(root) === a) this.analyses.delete(root);
      return result;
    });
    this.analyses.set(root, a);
    return a;
  }

  /** Forget the oldest analyses of documents that are not open, beyond KEPT_CLOSED. */
  private evict(): void {
    const closed = [...this.settled.keys()].filter((r) => !this.unsaved.has(r));
    for (const root of closed.slice(0, Math.max(0, closed.length - KEPT_CLOSED))) {
      this.settled.delete(root);
      this.analyses.delete(root);
    }
  }

  private async analyse(root: string): Promise<Analysis> {
    const s = this.settingsNow;
    const workspace = this.workspaceNow;
    let model: ProfileModel | undefined;
    const result = await lint([root], {
      options: { semantics: s.semantics, executable: s.python, env: s.env, rules: s.rules, cwd: dirname(root) },
      workspace,
      // the findings shown are the document's: file rules of the other files would report elsewhere
      fileRulesOn: new Set([root]),
      onProfile: (m) => (model = m),
    });
    const files = new Set<string>([root]);
    const templates = new Set<string>();
    if (model) {
      for (const f of model.files) files.add(f.path);
      for (const e of model.events) files.add(e.location.key);
      for (const js of jinjaSections(model)) {
        if (!js.file) continue;
        files.add(js.file);
        templates.add(js.file);
      }
    }
    return { root, model, findings: result.findings, files, templates };
  }
}

/** The text with the comment lines that cannot suppress a finding blanked: what analyses read of a buildout file. */
function meaning(f: LintFile): string | undefined {
  if (f.decodeError) return undefined;
  const lines = f.lines.slice();
  for (const c of f.tree.comments) if (!lines[c.line - 1]?.includes('tsbuildout:')) lines[c.line - 1] = '#';
  return lines.join('\n');
}

/**
 * Do two parses of a buildout file differ in comments only (same lines,
 * same positions for everything else)? Not for a template: Jinja2 reads
 * its whole text, comments included.
 */
function sameMeaning(a: LintFile, b: LintFile): boolean {
  if (a.kind !== 'cfg' || b.kind !== 'cfg' || !!a.notProfile !== !!b.notProfile || a.lines.length !== b.lines.length) return false;
  const m = meaning(a);
  return m !== undefined && m === meaning(b);
}

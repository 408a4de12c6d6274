// `lint [PATH …] [--format stylish|json|sarif|github] [--rule ID=SEVERITY …]
// [--baseline FILE [--update-baseline]]`: lint profiles (default: the -c
// configuration, buildout.cfg) and every profile of a directory. Exit 0
// without errors, 1 with errors, 2 when lint could not run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { discoverProfiles } from '../../lint/discover.ts';
import { lint, type BaselineEntry } from '../../lint/engine.ts';
import { formatGithub } from '../../lint/format/github.ts';
import { formatJson } from '../../lint/format/json.ts';
import { formatSarif } from '../../lint/format/sarif.ts';
import { formatStylish } from '../../lint/format/stylish.ts';
import { parseRuleSettings, RULES } from '../../lint/rules/index.ts';
import type { RuleSetting } from '../../lint/types.ts';
import type { CommandContext } from '../context.ts';

const FORMATS = ['stylish', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

class LintUsage extends Error {}

interface LintArgs {
  paths: string[];
  format: Format;
  rules: Record<string, RuleSetting>;
  baseline?: string;
  updateBaseline: boolean;
  listRules: boolean;
}

function parseLintArgs(ctx: CommandContext): LintArgs {
  const out: LintArgs = { paths: [], format: ctx.args.json ? 'json' : 'stylish', rules: {}, updateBaseline: false, listRules: false };
  for (const a of ctx.args.args) {
    const eq = a.indexOf('=');
    const name = a.startsWith('--') ? (eq < 0 ? a : a.slice(0, eq)) : '';
    const value = eq < 0 ? '' : a.slice(eq + 1);
    if (name === '--format') {
      if (!(FORMATS as readonly string[]).includes(value)) throw new LintUsage(`--format: expected one of ${FORMATS.join(', ')}, got '${value}'`);
      out.format = value as Format;
    } else if (name === '--rule') {
      try {
        parseRuleSettings(value, out.rules);
      } catch (e) {
        throw new LintUsage((e as Error).message);
      }
    } else if (name === '--baseline') out.baseline = value;
    else if (name === '--update-baseline') out.updateBaseline = true;
    else if (name === '--list-rules') out.listRules = true;
    else if (name === '--json') out.format = 'json';
    else if (name) throw new LintUsage(`lint: unknown option ${name}`);
    else out.paths.push(a);
  }
  if (out.updateBaseline && !out.baseline) throw new LintUsage('--update-baseline needs --baseline FILE');
  return out;
}

function listRules(): string {
  const w = Math.max(...RULES.map((r) => r.meta.id.length));
  return RULES.map((r) => `${r.meta.id.padEnd(w)}  ${(r.meta.offByDefault ? 'off' : r.meta.defaultSeverity).padEnd(7)}  ${r.meta.description}`).join('\n');
}

export async function lintCommand(ctx: CommandContext): Promise<number> {
  let args: LintArgs;
  try {
    args = parseLintArgs(ctx);
  } catch (e) {
    if (!(e instanceof LintUsage)) throw e;
    ctx.err(`Error: ${e.message}`);
    return 2;
  }
  if (args.listRules) {
    ctx.out(listRules());
    return 0;
  }
  const given = args.paths.length ? args.paths : [ctx.args.config];
  const roots: string[] = [];
  for (const p of given) {
    const abs = resolve(ctx.cwd, p);
    if (!existsSync(abs)) {
      ctx.err(`Error: ${p}: no such file or directory`);
      return 2;
    }
    roots.push(...discoverProfiles(abs));
  }
  if (!roots.length) {
    ctx.err(`Error: no buildout profile found in ${given.join(', ')}`);
    return 2;
  }
  let baseline: BaselineEntry[] = [];
  const baselinePath = args.baseline ? resolve(ctx.cwd, args.baseline) : undefined;
  if (baselinePath && existsSync(baselinePath) && !args.updateBaseline) {
    try {
      const data = JSON.parse(readFileSync(baselinePath, 'utf8')) as { findings?: BaselineEntry[] };
      baseline = (data.findings ?? []).map((b) => ({ ...b, file: resolve(dirname(baselinePath), b.file) }));
    } catch (e) {
      ctx.err(`Error: cannot read the baseline ${args.baseline}: ${(e as Error).message}`);
      return 2;
    }
  }
  const result = await lint(roots, {
    options: {
      semantics: ctx.load.semantics ?? 'slapos',
      executable: ctx.load.executable,
      env: ctx.load.env ?? {},
      rules: args.rules,
      cwd: ctx.cwd,
    },
    baseline,
  });
  if (baselinePath && args.updateBaseline) {
    const entries = result.findings.map((f) => ({ rule: f.rule, file: f.span ? relative(dirname(baselinePath), f.span.file) : '', message: f.message }));
    writeFileSync(baselinePath, JSON.stringify({ version: 1, findings: entries }, null, 1) + '\n');
    ctx.err(`baseline ${args.baseline}: ${entries.length} finding${entries.length === 1 ? '' : 's'} recorded`);
    return 0;
  }
  switch (args.format) {
    case 'json':
      ctx.out(formatJson(result.findings, result.profiles));
      break;
    case 'sarif':
      ctx.out(formatSarif(result.findings, ctx.cwd));
      break;
    case 'github': {
      const text = formatGithub(result.findings, ctx.cwd);
      if (text) ctx.out(text);
      break;
    }
    default:
      ctx.out(formatStylish(result.findings, ctx.cwd, result.profiles.length));
  }
  return result.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

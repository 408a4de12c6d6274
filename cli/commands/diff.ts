// `diff [--semantics A --semantics B] [--env …] [section:option=value …]
// [--against GIT-REV]`: two variants of the profile side by side and what
// the difference would rebuild (inspect/diff.ts).
//
// The variants: with --against, A is the revision and B the working tree;
// two --semantics give A's and B's; assignments after the command apply to
// B only. --env: when nothing else differs, one --env is B's (A has the
// default environment) and two are A's and B's; otherwise every --env
// applies to both.
import { resolve } from 'node:path';
import { diffVariants, type Variant } from '../../inspect/diff.ts';
import { formatDiff } from '../../inspect/diff-format.ts';
import { openRevision } from '../../inspect/git-overlay.ts';
import type { Assignment } from '../../profile/assemble.ts';
import { parseEnvOverrides } from '../../profile/environment.ts';
import { pyStrip } from '../../python/index.ts';
import { UsageError } from '../args.ts';
import { type CommandContext, sortedJson } from '../context.ts';

function assignment(a: string): Assignment {
  const eq = a.indexOf('=');
  const key = a.slice(0, eq);
  const parts = key.split(':');
  if (parts.length > 2) throw new UsageError(`Invalid assignment: ${a} (an assignment is [section:]option=value)`);
  const [section, option] = parts.length === 1 ? ['buildout', parts[0]!] : [parts[0]!, parts[1]!];
  return { section: pyStrip(section), option: pyStrip(option), value: pyStrip(a.slice(eq + 1)) };
}

export async function diffCommand(ctx: CommandContext): Promise<number> {
  const args = ctx.args.args;
  const against = args.find((a) => a.startsWith('--against='))?.slice('--against='.length);
  const words = args.filter((a) => !a.startsWith('--'));
  const bad = words.find((w) => !w.includes('='));
  if (bad) throw new UsageError(`diff: unexpected argument '${bad}' (expected section:option=value)`);
  const extra = words.map(assignment);
  const semantics = ctx.args.semanticsList;
  if (semantics.length > 2) throw new UsageError('diff: at most two --semantics (A and B)');
  const envs = ctx.args.env;
  const otherwise = !!against || semantics.length === 2 || extra.length > 0;
  if (!otherwise && envs.length === 0) {
    throw new UsageError('diff needs two variants: --against REV, --semantics A --semantics B, --env …, or section:option=value assignments');
  }
  if (!otherwise && envs.length > 2) throw new UsageError('diff: at most two --env (A and B) when nothing else differs');
  const base = ctx.load;
  const a: Variant = { label: '', load: { ...base } };
  const b: Variant = { label: '', load: { ...base, assignments: [...(base.assignments ?? []), ...extra] } };
  const labelsA: string[] = [];
  const labelsB: string[] = [];
  if (semantics.length === 2) {
    a.load.semantics = semantics[0]!;
    b.load.semantics = semantics[1]!;
    labelsA.push(`--semantics ${semantics[0]}`);
    labelsB.push(`--semantics ${semantics[1]}`);
  }
  if (!otherwise) {
    if (envs.length === 1) {
      a.load.env = {};
      b.load.env = parseEnvOverrides(envs);
      labelsA.push('default environment');
      labelsB.push(`--env ${envs[0]}`);
    } else {
      a.load.env = parseEnvOverrides([envs[0]!]);
      b.load.env = parseEnvOverrides([envs[1]!]);
      labelsA.push(`--env ${envs[0]}`);
      labelsB.push(`--env ${envs[1]}`);
    }
  }
  if (extra.length) labelsB.push(words.join(' '));
  if (against) {
    const config = resolve(ctx.cwd, ctx.args.config);
    a.revision = openRevision(config, against);
    labelsA.unshift(`${against} (${a.revision.commit.slice(0, 12)})`);
    labelsB.unshift('working tree');
  }
  a.label = labelsA.join(', ') || 'the profile';
  b.label = labelsB.join(', ') || 'the profile';
  const d = await diffVariants(a, b);
  if (ctx.args.json) ctx.out(sortedJson({ ok: true, diff: d }));
  else ctx.out(formatDiff(d, ctx.cwd));
  return 0;
}

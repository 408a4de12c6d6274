// `why PART`: the chains of references from `[buildout] parts` that pull a
// section into the build (inspect/why.ts).
import { inspectProfile } from '../../inspect/model.ts';
import { formatWhy, why, whyJson } from '../../inspect/why.ts';
import { UsageError } from '../args.ts';
import { type CommandContext } from '../context.ts';

export async function whyCommand(ctx: CommandContext): Promise<number> {
  const words = ctx.args.args.filter((a) => !a.startsWith('--'));
  if (words.length !== 1) throw new UsageError('why needs one section name: tsbuildout why PART');
  const all = ctx.args.args.includes('--all');
  const insp = await inspectProfile(ctx.load);
  if (insp.partsError && !insp.buildout.sections.has(words[0]!)) throw insp.partsError;
  const w = why(insp, words[0]!, all ? 1000 : 10);
  if (ctx.args.json) ctx.out(JSON.stringify({ ok: true, why: whyJson(insp, w) }, null, 1));
  else ctx.out(formatWhy(insp, w, ctx.cwd));
  return 0;
}

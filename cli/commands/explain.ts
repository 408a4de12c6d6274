// `explain [SECTION:]OPTION`: the final value and, step by step, where it
// came from: files and lines, `+=`/`-=`, macros, the command line, and the
// references it expanded (inspect/explain.ts).
import { explain } from '../../inspect/explain.ts';
import { formatExplanation } from '../../inspect/explain-format.ts';
import { inspectProfile } from '../../inspect/model.ts';
import { UsageError } from '../args.ts';
import { type CommandContext } from '../context.ts';

export async function explainCommand(ctx: CommandContext): Promise<number> {
  const words = ctx.args.args.filter((a) => !a.startsWith('--'));
  if (words.length !== 1) throw new UsageError('explain needs one option: tsbuildout explain SECTION:OPTION');
  const parts = words[0]!.split(':');
  if (parts.length > 2) throw new UsageError(`Invalid option: ${words[0]} (expected SECTION:OPTION)`);
  const [section, option] = parts.length === 1 ? ['buildout', parts[0]!] : [parts[0]!, parts[1]!];
  const depthArg = ctx.args.args.find((a) => a.startsWith('--depth='));
  const depth = depthArg ? Number(depthArg.slice('--depth='.length)) : 3;
  if (!Number.isInteger(depth) || depth < 0) throw new UsageError('--depth: expected a whole number');
  const insp = await inspectProfile(ctx.load);
  const x = explain(insp, section, option, { depth });
  if (ctx.args.json) ctx.out(JSON.stringify({ ok: true, explain: x }, null, 1));
  else ctx.out(formatExplanation(x, ctx.cwd));
  return 0;
}

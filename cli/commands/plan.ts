// `plan [--json] [--all] [--inventory] [PART …]`: what a run would do to
// each part and why, without running any recipe's install or update code
// (inspect/plan.ts); `--inventory`: downloads, remote extends and shared
// parts instead (inspect/inventory.ts).
import { inspectProfile } from '../../inspect/model.ts';
import { plan } from '../../inspect/plan.ts';
import { formatPlan } from '../../inspect/plan-format.ts';
import { formatInventory, inventory } from '../../inspect/inventory.ts';
import { type CommandContext, sortedJson } from '../context.ts';

export async function planCommand(ctx: CommandContext): Promise<number> {
  const flags = new Set(ctx.args.args.filter((a) => a.startsWith('--')));
  const parts = ctx.args.args.filter((a) => !a.startsWith('--'));
  const insp = await inspectProfile(ctx.load);
  if (flags.has('--inventory')) {
    const inv = inventory(insp);
    ctx.out(ctx.args.json ? sortedJson({ ok: true, inventory: inv }) : formatInventory(inv, ctx.cwd));
    return 0;
  }
  const p = plan(insp, { parts });
  if (ctx.args.json) ctx.out(JSON.stringify({ ok: true, plan: p }, null, 1));
  else ctx.out(formatPlan(p, { cwd: ctx.cwd, all: flags.has('--all') }));
  return 0;
}

// `install [PART …]` (the default command): run the profile — uninstall
// what left or changed, install or update the rest. `--dry-run` prints
// what would happen and touches nothing; `--stub-software` lets
// software-side recipes create their location instead of building.
import { runBuildout } from '../../executor/run.ts';
import type { CommandContext } from '../context.ts';
import { consoleLogger } from '../logger.ts';

export async function installCommand(ctx: CommandContext): Promise<number> {
  const flags = new Set(ctx.args.args.filter((a) => a.startsWith('--')));
  const parts = ctx.args.args.filter((a) => !a.startsWith('--'));
  await runBuildout({
    ...ctx.load,
    installArgs: parts,
    dryRun: flags.has('--dry-run'),
    stubSoftware: flags.has('--stub-software'),
    logger: consoleLogger(ctx.args.verbosity, ctx.out),
  });
  return 0;
}

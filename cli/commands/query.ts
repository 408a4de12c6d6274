// `query [SECTION:]OPTION`: the raw merged value, before macros and
// substitution (docs/buildout-run.md#annotate-and-query).
import { loadBuildout } from '../../profile/load.ts';
import { didYouMean } from '../../profile/suggest.ts';
import type { CommandContext } from '../context.ts';
import { UsageError } from '../args.ts';
import { BuildoutError } from '../../parser/diagnostic.ts';

export async function queryCommand(ctx: CommandContext): Promise<number> {
  const words = ctx.args.args.filter((a) => !a.startsWith('--'));
  if (words.length !== 1) throw new UsageError('The query command requires a single argument.');
  const parts = words[0]!.split(':');
  if (parts.length > 2) throw new UsageError(`Invalid option: ${words[0]}`);
  const [section, option] = parts.length === 1 ? ['buildout', parts[0]!] : [parts[0]!, parts[1]!];
  const { buildout, assembled } = await loadBuildout(ctx.load);
  if (buildout.section('buildout').get('verbosity') !== undefined) ctx.out(`\${${section}:${option}}`);
  const raw = assembled.raw.get(section);
  if (!raw) {
    throw new BuildoutError({ severity: 'error', rule: 'undefined-section', message: `Section not found: ${section}`, hint: didYouMean(section, assembled.raw.keys()) });
  }
  const e = raw.get(option);
  if (!e) {
    throw new BuildoutError({ severity: 'error', rule: 'undefined-option', message: `Key not found: ${option}`, hint: didYouMean(option, raw.keys()) });
  }
  ctx.out(e.value);
  return 0;
}

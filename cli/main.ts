// tsbuildout's command line, the entry bundle (dist/cli.cjs): parses the
// arguments and answers `--help` and `--version` itself; a command loads the
// commands' bundle (cli/run.ts, dist/commands.cjs), so those two answers
// read and compile none of it. Bad input ends with an `Error:` line and exit
// status 1; anything else that escapes is a bug and says so.
import { join } from 'node:path';
import { parseArgs } from './args.ts';
import { runBundle } from './bundle.ts';
import { commandHelp, HELP, VERSION } from './help.ts';
import { buildoutHelp, buildoutVersionLine } from './buildout-help.ts';
import { semantics } from '../profile/semantics.ts';
import { reportFailure } from './report.ts';
import type { runCommand } from './run.ts';

// output piped into a reader that stops early (`| head`) is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

async function main(argv: string[]): Promise<number> {
  const out = (t: string) => process.stdout.write(t.endsWith('\n') ? t : t + '\n');
  const err = (t: string) => process.stderr.write(t.endsWith('\n') ? t : t + '\n');
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    return reportFailure(e, { json: argv.includes('--json'), semantics: 'slapos', out, err });
  }
  // standing in for zc.buildout's bin/buildout, its own answers (cli/buildout-help.ts)
  const asBuildout = args.help && !args.commandGiven ? buildoutHelp(args.semantics) : args.version ? buildoutVersionLine(args.semantics, semantics(args.semantics).buildoutVersion, VERSION) : undefined;
  if (asBuildout) return out(asBuildout), 0;
  if (args.help) return out((args.commandGiven && commandHelp(args.command)) || HELP), 0;
  // `tsbuildout help [COMMAND]`
  if (args.command === 'help') return out((args.args[0] && commandHelp(args.args[0])) || HELP), 0;
  if (args.version) return out(VERSION), 0;
  // a known command names its code cache file (a mistyped one writes none)
  const run = runBundle(join(__dirname, 'commands.cjs'), commandHelp(args.command) ? args.command : undefined).runCommand as typeof runCommand;
  return run(args, out, err);
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

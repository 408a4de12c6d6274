// tsbuildout's command line. Parses arguments, runs one command, prints.
// Bad input ends with an `Error:` line and exit status 1; anything else
// that escapes is a bug and says so.
import { BuildoutError } from '../parser/diagnostic.ts';
import { parseEnvOverrides } from '../profile/environment.ts';
import { parseArgs, UsageError } from './args.ts';
import { annotateCommand } from './commands/annotate.ts';
import { diffCommand } from './commands/diff.ts';
import { explainCommand } from './commands/explain.ts';
import { graphCommand } from './commands/graph.ts';
import { installCommand } from './commands/install.ts';
import { lintCommand } from './commands/lint.ts';
import { planCommand } from './commands/plan.ts';
import { queryCommand } from './commands/query.ts';
import { renderTemplateCommand } from './commands/render-template.ts';
import { resolveCommand } from './commands/resolve.ts';
import { whyCommand } from './commands/why.ts';
import type { CommandContext } from './context.ts';
import { findPython } from './python.ts';
import { diagnosticJson, formatErrors } from './report.ts';
import { HELP, VERSION } from './help.ts';

const COMMANDS: Record<string, (ctx: CommandContext) => Promise<number>> = {
  annotate: annotateCommand,
  diff: diffCommand,
  explain: explainCommand,
  graph: graphCommand,
  install: installCommand,
  lint: lintCommand,
  plan: planCommand,
  query: queryCommand,
  'render-template': renderTemplateCommand,
  resolve: resolveCommand,
  why: whyCommand,
};

export async function main(argv: string[]): Promise<number> {
  const out = (t: string) => process.stdout.write(t.endsWith('\n') ? t : t + '\n');
  const err = (t: string) => process.stderr.write(t.endsWith('\n') ? t : t + '\n');
  let json = argv.includes('--json');
  try {
    const args = parseArgs(argv);
    json = args.json;
    if (args.help) return out(HELP), 0;
    if (args.version) return out(VERSION), 0;
    const run = COMMANDS[args.command];
    if (!run) {
      const known = Object.keys(COMMANDS).sort().join(', ');
      throw new UsageError(`invalid command: ${args.command} (commands: ${known})`);
    }
    const cwd = process.cwd();
    const ctx: CommandContext = {
      args,
      cwd,
      out,
      err,
      load: {
        config: args.config,
        cwd,
        semantics: args.semantics,
        userDefaults: args.userDefaults,
        assignments: args.assignments,
        executable: findPython(args.python),
        env: parseEnvOverrides(args.env),
      },
    };
    return await run(ctx);
  } catch (e) {
    if (e instanceof BuildoutError) {
      if (json) out(JSON.stringify({ ok: false, error: diagnosticJson(e.primary), errors: e.diagnostics.map(diagnosticJson) }, null, 1));
      err(formatErrors(e.diagnostics));
      return 1;
    }
    if (e instanceof UsageError || (e instanceof Error && e.message.startsWith('--env'))) {
      if (json) out(JSON.stringify({ ok: false, error: { message: e.message } }, null, 1));
      err(`Error: ${e.message}`);
      return 1;
    }
    err('\nAn internal error occurred due to a bug in tsbuildout; please report it with this output:\n');
    err(e instanceof Error ? (e.stack ?? e.message) : String(e));
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

// tsbuildout's command line. Parses arguments, runs one command, prints.
// Bad input ends with an `Error:` line and exit status 1; anything else
// that escapes is a bug and says so.
import { BuildoutError, UserError } from '../parser/diagnostic.ts';
import { parseEnvOverrides } from '../profile/environment.ts';
import { parseArgs, UsageError } from './args.ts';
import type { CommandContext } from './context.ts';
import { findPython } from './python.ts';
import { diagnosticJson, formatErrors } from './report.ts';
import { commandHelp, HELP, VERSION } from './help.ts';

// Each command's code is loaded when it runs: a call pays only for what it uses
// (resolve needs no recipes, no Jinja2, no archive or database library).
type Command = (ctx: CommandContext) => Promise<number>;
const COMMANDS: Record<string, () => Promise<Command>> = {
  annotate: async () => (await import('./commands/annotate.ts')).annotateCommand,
  bootstrap: async () => (await import('./commands/bootstrap.ts')).bootstrapCommand,
  diff: async () => (await import('./commands/diff.ts')).diffCommand,
  explain: async () => (await import('./commands/explain.ts')).explainCommand,
  graph: async () => (await import('./commands/graph.ts')).graphCommand,
  install: async () => (await import('./commands/install.ts')).installCommand,
  lint: async () => (await import('./commands/lint.ts')).lintCommand,
  master: async () => (await import('./commands/master.ts')).masterCommand,
  node: async () => (await import('./commands/node.ts')).nodeCommand,
  plan: async () => (await import('./commands/plan.ts')).planCommand,
  query: async () => (await import('./commands/query.ts')).queryCommand,
  'render-template': async () => (await import('./commands/render-template.ts')).renderTemplateCommand,
  request: async () => (await import('./commands/request.ts')).requestCommand,
  resolve: async () => (await import('./commands/resolve.ts')).resolveCommand,
  show: async () => (await import('./commands/show.ts')).showCommand,
  why: async () => (await import('./commands/why.ts')).whyCommand,
};

// output piped into a reader that stops early (`| head`) is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

export async function main(argv: string[]): Promise<number> {
  const out = (t: string) => process.stdout.write(t.endsWith('\n') ? t : t + '\n');
  const err = (t: string) => process.stderr.write(t.endsWith('\n') ? t : t + '\n');
  let json = argv.includes('--json');
  try {
    const args = parseArgs(argv);
    json = args.json;
    if (args.help) return out((args.commandGiven && commandHelp(args.command)) || HELP), 0;
    // `tsbuildout help [COMMAND]`
    if (args.command === 'help') return out((args.args[0] && commandHelp(args.args[0])) || HELP), 0;
    if (args.version) return out(VERSION), 0;
    const command = COMMANDS[args.command];
    if (!command) {
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
    const run = await command();
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
    if (e instanceof UserError) {
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

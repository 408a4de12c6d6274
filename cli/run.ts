// The commands' bundle (dist/commands.cjs), loaded by the entry (cli/main.ts)
// once its arguments name a command: builds the command's context and runs it.
import { parseEnvOverrides } from '../profile/environment.ts';
import { pyStrip } from '../python/index.ts';
import { UsageError, type CliArgs } from './args.ts';
import type { CommandContext } from './context.ts';
import { findPython } from './python.ts';
import { reportFailure } from './report.ts';

// Each command's code is loaded when it runs: a call pays only for what it uses
// (resolve needs no recipes, no Jinja2, no archive or database library).
type Command = (ctx: CommandContext) => Promise<number>;
const COMMANDS: Record<string, () => Promise<Command>> = {
  annotate: async () => (await import('./commands/annotate.ts')).annotateCommand,
  bootstrap: async () => (await import('./commands/bootstrap.ts')).bootstrapCommand,
  diff: async () => (await import('./commands/diff.ts')).diffCommand,
  explain: async () => (await import('./commands/explain.ts')).explainCommand,
  graph: async () => (await import('./commands/graph.ts')).graphCommand,
  init: async () => (await import('./commands/init.ts')).initCommand,
  install: async () => (await import('./commands/install.ts')).installCommand,
  lint: async () => (await import('./commands/lint.ts')).lintCommand,
  lsp: async () => (await import('./commands/lsp.ts')).lspCommand,
  master: async () => (await import('./commands/master.ts')).masterCommand,
  node: async () => (await import('./commands/node.ts')).nodeCommand,
  plan: async () => (await import('./commands/plan.ts')).planCommand,
  query: async () => (await import('./commands/query.ts')).queryCommand,
  'render-template': async () => (await import('./commands/render-template.ts')).renderTemplateCommand,
  request: async () => (await import('./commands/request.ts')).requestCommand,
  resolve: async () => (await import('./commands/resolve.ts')).resolveCommand,
  runsetup: async () => (await import('./commands/setup.ts')).setupCommand,
  setup: async () => (await import('./commands/setup.ts')).setupCommand,
  show: async () => (await import('./commands/show.ts')).showCommand,
  why: async () => (await import('./commands/why.ts')).whyCommand,
};

export async function runCommand(args: CliArgs, out: (t: string) => void, err: (t: string) => void): Promise<number> {
  try {
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
        // buildout strips an assignment's parts (buildout.py main)
        assignments: args.assignments.map((a) => ({ section: pyStrip(a.section), option: pyStrip(a.option), value: pyStrip(a.value) })),
        executable: findPython(args.python),
        env: parseEnvOverrides(args.env),
      },
    };
    const run = await command();
    return await run(ctx);
  } catch (e) {
    return reportFailure(e, { json: args.json, semantics: args.semantics, out, err });
  }
}

// `lsp [--stdio]`: the language server for editors, on standard input and
// output (lsp/server.ts). It runs until the editor asks it to exit.
import { startServer } from '../../lsp/server.ts';
import type { CommandContext } from '../context.ts';
import { findPython } from '../python.ts';

export async function lspCommand(ctx: CommandContext): Promise<number> {
  const connection = startServer({ python: findPython(ctx.args.python) });
  // the exit notification ends the process (vscode-languageserver calls
  // process.exit); an editor that goes away closes standard input
  await new Promise<void>((done) => connection.onExit(() => done()));
  return 0;
}

// The VS Code client of tsbuildout's language server: it starts `tsbuildout
// lsp` (the workspace's own tsbuildout when it has one, else through npx, or
// the command the settings give), hands it the buildout profiles and
// Jinja2-in-cfg templates, and shows the server's explain, plan and why
// texts for what is under the cursor.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

/** The command starting the server, without `lsp`. */
function serverCommand() {
  const configured = vscode.workspace.getConfiguration('tsbuildout').get('server.command');
  if (Array.isArray(configured) && configured.length) return { command: configured[0], args: configured.slice(1) };
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const local = join(folder.uri.fsPath, 'node_modules', '.bin', 'tsbuildout');
    if (existsSync(local)) return { command: local, args: [] };
  }
  return { command: 'npx', args: ['--yes', 'tsbuildout'] };
}

function settings() {
  const c = vscode.workspace.getConfiguration('tsbuildout');
  return { semantics: c.get('semantics'), env: c.get('env'), rules: c.get('rules'), python: c.get('python') || undefined };
}

/** Run one of the server's text commands for the cursor and show the text. */
function showing(command, output) {
  return async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !client) return;
    const text = await client.sendRequest('workspace/executeCommand', {
      command,
      arguments: [editor.document.uri.toString(), client.code2ProtocolConverter.asPosition(editor.selection.active)],
    });
    output.clear();
    output.append(String(text ?? ''));
    output.show(true);
  };
}

async function activate(context) {
  const { command, args } = serverCommand();
  const run = { command, args: [...args, 'lsp'], transport: TransportKind.stdio };
  client = new LanguageClient(
    'tsbuildout',
    'tsbuildout',
    { run, debug: run },
    {
      documentSelector: [
        { scheme: 'file', language: 'buildout' },
        { scheme: 'file', language: 'buildout-jinja2' },
      ],
      initializationOptions: { tsbuildout: settings() },
      synchronize: { configurationSection: 'tsbuildout' },
    },
  );
  const output = vscode.window.createOutputChannel('tsbuildout');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('tsbuildout.showExplanation', showing('tsbuildout.explain', output)),
    vscode.commands.registerCommand('tsbuildout.showPlan', showing('tsbuildout.plan', output)),
    vscode.commands.registerCommand('tsbuildout.showWhy', showing('tsbuildout.why', output)),
  );
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

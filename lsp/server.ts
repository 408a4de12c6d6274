// `tsbuildout lsp`: the language server, over stdio. It owns no analysis:
// diagnostics are the linter's findings on the unsaved text, hover and
// definitions read the lint model (its tolerant resolver and the values'
// histories), references and rename the names every file of the extends
// tree writes, and the commands run inspect/'s explain, plan and why. A
// request that fails inside is logged and answered empty: bad input never
// stops the server.
import { join } from 'node:path';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  createConnection,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type Position,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions, UPDATE_MD5SUM, updateMd5sum } from './actions.ts';
import { EXPLAIN, PLAN, runCommand, WHY } from './commands.ts';
import { complete } from './completion.ts';
import { toLocation, toRange, uriToPath } from './convert.ts';
import { sectionAt, targetAt, type Target } from './cursor.ts';
import { definition } from './definition.ts';
import { diagnosticsFor } from './diagnostics.ts';
import { hoverAt } from './hover.ts';
import { Project } from './project.ts';
import { analysesOf, nameSpan, namedBy, occurrences, renameEdit } from './references.ts';
import { applySettings, CONFIG_FILE, readConfigFile, type RawSettings, type Settings } from './settings.ts';
import { documentSymbols, foldingRanges, semanticTokens, TOKEN_TYPES, workspaceSymbols } from './symbols.ts';
import { VERSION } from '../version.ts';
import { parseProfileNow } from '../profile/parse-cache.ts';

/** How long typing must pause before the other open documents that read the edited file are checked again. */
const DEPENDENTS_DELAY_MS = 300;

export interface ServerOptions {
  /** The Python interpreter conditions are decided for (the CLI's --python, else python3 on PATH). */
  python: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

export function startServer(options: ServerOptions): Connection {
  const connection = options.input && options.output ? createConnection(ProposedFeatures.all, options.input, options.output) : createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  const documents = new TextDocuments(TextDocument);
  const defaults: Settings = { semantics: 'slapos', env: {}, rules: {}, python: options.python };
  const project = new Project(defaults);
  let folder: string | undefined;
  let editorSettings: RawSettings | undefined;
  let canConfigure = false;
  let canWatch = false;

  const log = (text: string) => connection.console.error(text);

  /** Defaults, then tsbuildout.cfg's [tsbuildout], then the editor's settings. */
  const settle = () => {
    const fromFile = folder ? applySettings(defaults, readConfigFile(folder), folder ? join(folder, CONFIG_FILE) : CONFIG_FILE) : { settings: defaults, problems: [] };
    const fromEditor = applySettings(fromFile.settings, editorSettings, 'settings tsbuildout');
    for (const p of [...fromFile.problems, ...fromEditor.problems]) connection.window.showWarningMessage(`tsbuildout: ${p}`);
    project.configure(fromEditor.settings);
    for (const d of documents.all()) {
      const path = uriToPath(d.uri);
      if (path) project.setText(path, d.getText());
      schedule(d.uri);
    }
  };

  /** Run a handler; a bug is logged and answered with `empty`, the server goes on. */
  const guard = <P, R>(what: string, empty: R, handler: (params: P) => Promise<R> | R) => {
    return async (params: P): Promise<R> => {
      try {
        return await handler(params);
      } catch (e) {
        if (e instanceof ResponseError) throw e;
        log(`tsbuildout: ${what} failed (a bug in tsbuildout; please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return empty;
      }
    };
  };

  // diagnostics: published for every open document whose analysis an edit made stale
  const dirty = new Set<string>();
  let running = false;
  let queued = false;
  const schedule = (uri: string) => {
    dirty.add(uri);
    if (running) queued = true;
    else if (!queued) {
      queued = true;
      setImmediate(() => void publish());
    }
  };
  const publish = async () => {
    queued = false;
    running = true;
    try {
      while (dirty.size) {
        const uri = dirty.values().next().value!;
        dirty.delete(uri);
        const doc = documents.get(uri);
        const path = uriToPath(uri);
        if (!doc || !path) continue;
        const version = doc.version;
        try {
          const a = await project.analysis(path);
          if (documents.get(uri)?.version !== version || dirty.has(uri)) continue;
          await connection.sendDiagnostics({ uri, version, diagnostics: diagnosticsFor(path, a.findings) });
        } catch (e) {
          log(`tsbuildout: diagnostics of ${path} failed (a bug in tsbuildout; please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        }
      }
    } finally {
      running = false;
      if (queued || dirty.size) {
        queued = true;
        setImmediate(() => void publish());
      } else if (!parserLoaded) {
        // saved files come from the parse cache: load the parser while the
        // user reads the first diagnostics, not at their first keystroke
        parserLoaded = true;
        setTimeout(() => parseProfileNow('', '(warm-up)'), 50).unref();
      }
    }
  };
  let parserLoaded = false;
  // the edited document first; the other open documents whose profile
  // reads it once typing pauses (their profile may be the whole tree)
  const later = new Set<string>();
  let laterTimer: NodeJS.Timeout | undefined;
  const changed = (path: string, text: string | undefined) => {
    const stale = project.setText(path, text);
    for (const d of documents.all()) {
      const p = uriToPath(d.uri);
      if (p === path) schedule(d.uri);
      else if (p && stale.includes(p)) later.add(d.uri);
    }
    if (!later.size) return;
    if (laterTimer) clearTimeout(laterTimer);
    laterTimer = setTimeout(() => {
      laterTimer = undefined;
      for (const u of later) schedule(u);
      later.clear();
    }, DEPENDENTS_DELAY_MS);
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const root = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    folder = (root && uriToPath(root)) ?? params.rootPath ?? undefined;
    const init = params.initializationOptions as { tsbuildout?: RawSettings } | RawSettings | undefined;
    editorSettings = init && typeof init === 'object' && 'tsbuildout' in init ? init.tsbuildout : (init as RawSettings | undefined);
    canConfigure = !!params.capabilities.workspace?.configuration;
    canWatch = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    const fromFile = folder ? applySettings(defaults, readConfigFile(folder), join(folder, CONFIG_FILE)) : { settings: defaults, problems: [] };
    project.configure(applySettings(fromFile.settings, editorSettings, 'initializationOptions').settings);
    return {
      serverInfo: { name: 'tsbuildout', version: VERSION },
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        hoverProvider: true,
        definitionProvider: true,
        declarationProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        completionProvider: { triggerCharacters: ['{', ':', '[', '/'] },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        foldingRangeProvider: true,
        semanticTokensProvider: { legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [] }, full: true },
        executeCommandProvider: { commands: [EXPLAIN, PLAN, WHY, UPDATE_MD5SUM] },
      },
    };
  });

  connection.onInitialized(async () => {
    if (canWatch) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{cfg,in,jinja2,j2,jinja}' }],
      });
    }
    if (canConfigure) {
      try {
        const [s] = (await connection.workspace.getConfiguration([{ section: 'tsbuildout' }])) as (RawSettings | null)[];
        if (s && typeof s === 'object' && Object.values(s).some((v) => v !== undefined && v !== null && v !== '')) {
          editorSettings = s;
          settle();
        }
      } catch (e) {
        log(`tsbuildout: reading the settings failed: ${(e as Error).message}`);
      }
    }
  });

  connection.onDidChangeConfiguration(
    guard('configuration', undefined, async (params: { settings?: unknown }) => {
      const given = (params.settings as { tsbuildout?: RawSettings } | undefined)?.tsbuildout;
      if (given) editorSettings = given;
      else if (canConfigure) editorSettings = ((await connection.workspace.getConfiguration([{ section: 'tsbuildout' }])) as RawSettings[])[0] ?? editorSettings;
      settle();
    }),
  );

  connection.onDidChangeWatchedFiles(
    guard('watched files', undefined, (params) => {
      for (const c of params.changes) {
        const path = uriToPath(c.uri);
        if (!path) continue;
        if (folder && path === join(folder, CONFIG_FILE)) {
          settle();
          continue;
        }
        // an open document's text is the editor's, whatever the disk says
        if (project.isOpen(path)) continue;
        changed(path, undefined);
      }
    }),
  );

  documents.onDidOpen((e) => {
    const path = uriToPath(e.document.uri);
    if (path) changed(path, e.document.getText());
  });
  documents.onDidChangeContent((e) => {
    const path = uriToPath(e.document.uri);
    if (path) changed(path, e.document.getText());
  });
  documents.onDidClose((e) => {
    const path = uriToPath(e.document.uri);
    if (path) changed(path, undefined);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  /** A document's analysis and parsed file (undefined for what is no file). */
  const documentOf = async (uri: string) => {
    const path = uriToPath(uri);
    if (!path) return undefined;
    const analysis = await project.analysis(path);
    const file = project.file(path);
    return file ? { path, analysis, file, model: analysis.model } : undefined;
  };

  /** The document and the target at a position. */
  const at = async (uri: string, p: Position) => {
    const d = await documentOf(uri);
    return d && { ...d, target: targetAt(d.file, project.workspace, p, d.model) };
  };

  connection.onHover(
    guard('hover', null, async ({ textDocument, position }) => {
      const c = await at(textDocument.uri, position);
      const t = c?.target;
      if (!c || !t) return null;
      return hoverAt(project, c.path, c.model, t);
    }),
  );

  const locations = guard('definition', null, async ({ textDocument, position }: { textDocument: { uri: string }; position: Position }) => {
    const c = await at(textDocument.uri, position);
    if (!c?.target) return null;
    const spans = await definition(project, c.model, c.path, c.target);
    return spans.map(toLocation);
  });
  connection.onDefinition(locations);
  connection.onDeclaration(locations);

  connection.onReferences(
    guard('references', null, async ({ textDocument, position, context }) => {
      const c = await at(textDocument.uri, position);
      const name = c?.target && namedBy(c.target);
      if (!c || !name) return null;
      const found = occurrences(await analysesOf(project, c.path), name);
      return found.occurrences.filter((o) => context.includeDeclaration || (o.kind !== 'header' && o.kind !== 'key')).map((o) => toLocation(nameSpan(o, name)));
    }),
  );

  connection.onPrepareRename(
    guard('prepare rename', null, async ({ textDocument, position }) => {
      const c = await at(textDocument.uri, position);
      const name = c?.target && namedBy(c.target);
      if (!c || !name) return null;
      const t = c.target as Extract<Target, { occurrence: unknown }>;
      return { range: toRange(nameSpan(t.occurrence, name)), placeholder: name.kind === 'section' ? name.section : name.option };
    }),
  );

  connection.onRenameRequest(
    guard('rename', null, async ({ textDocument, position, newName }) => {
      const c = await at(textDocument.uri, position);
      const name = c?.target && namedBy(c.target);
      if (!c || !name) return null;
      return renameEdit(occurrences(await analysesOf(project, c.path), name), name, newName);
    }),
  );

  connection.onCompletion(
    guard('completion', [], async ({ textDocument, position }) => {
      const d = await documentOf(textDocument.uri);
      return d ? complete(project, d.model, d.file, position) : [];
    }),
  );

  connection.onCodeAction(
    guard('code action', [], async ({ textDocument, range }) => {
      const d = await documentOf(textDocument.uri);
      return d ? codeActions(textDocument.uri, d.file, d.model, d.analysis.findings, range) : [];
    }),
  );

  connection.onDocumentSymbol(
    guard('document symbols', [], ({ textDocument }) => {
      const path = uriToPath(textDocument.uri);
      const file = path && project.file(path);
      return file ? documentSymbols(file, project.workspace) : [];
    }),
  );
  connection.onWorkspaceSymbol(guard('workspace symbols', [], ({ query }) => workspaceSymbols(project, query)));
  connection.onFoldingRanges(
    guard('folding', [], ({ textDocument }) => {
      const path = uriToPath(textDocument.uri);
      const file = path && project.file(path);
      return file ? foldingRanges(file) : [];
    }),
  );
  connection.languages.semanticTokens.on(
    guard('semantic tokens', { data: [] }, ({ textDocument }) => {
      const path = uriToPath(textDocument.uri);
      const file = path && project.file(path);
      return file ? semanticTokens(file, project.workspace) : { data: [] };
    }),
  );

  connection.onExecuteCommand(
    guard('command', null, async ({ command, arguments: args }) => {
      const [uri, arg] = (args ?? []) as [unknown, unknown];
      if (typeof uri !== 'string') throw new ResponseError(-32602, `${command}: expected the document URI as first argument`);
      const path = uriToPath(uri);
      if (!path) return null;
      if (command === UPDATE_MD5SUM) return updateMd5sum(connection, project, uri, path, String(arg));
      if (command !== EXPLAIN && command !== PLAN && command !== WHY) throw new ResponseError(-32602, `unknown command ${command}`);
      const position = arg as Position | undefined;
      let target: Target | undefined;
      let section: string | undefined;
      if (position && typeof position.line === 'number' && typeof position.character === 'number') {
        const a = await project.analysis(path);
        const file = project.file(path);
        if (file) {
          target = targetAt(file, project.workspace, position, a.model);
          section = sectionAt(file, position.line + 1);
        }
      }
      return runCommand(project, command, path, target, section);
    }),
  );

  documents.listen(connection);
  connection.listen();
  return connection;
}

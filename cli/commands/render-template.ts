// `render-template TEMPLATE --context-json FILE [--extension NAME …]
// [--import NAME=FILE …] [--output FILE]`: renders one template as
// slapos.recipe.template:jinja2 would (StrictUndefined, the recipe's
// builtins, six, assert and dumps, the import-list loader). The context
// file is a JSON object of variables; a value {"__py__": "EXPR"} is a
// Python literal (sets, tuples, floats such as 1.0: the `!py!` syntax) and
// {"__import__": "MODULE"} a module, as a context `import` line gives it.
// An --import NAME=PATH names a file (or a folder) for {% import 'NAME' %}.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TemplateSyntaxError } from '../../jinja/index.ts';
import { asStr, evaluatePyBang, jsonLoads, PyDict, PyException, repr, type PyValue } from '../../python/index.ts';
import { RecipeError } from '../../recipes/api.ts';
import { importFor, type ContextEntry, type ImportEntry } from '../../recipes/jinja2/context.ts';
import { RECIPE_DEFAULT_NAMES } from '../../recipes/jinja2/environment.ts';
import { encodeOutput, renderText, templateSource, type Jinja2Part } from '../../recipes/jinja2/index.ts';
import { UsageError } from '../args.ts';
import type { CommandContext } from '../context.ts';

function values(args: string[], name: string): string[] {
  return args.filter((a) => a.startsWith(name + '=')).map((a) => a.slice(name.length + 1));
}

/** The variables of a --context-json file. */
export function contextFromJson(text: string): ContextEntry[] {
  const data = jsonLoads(text);
  if (!(data instanceof PyDict)) throw new UsageError('--context-json: the file must hold a JSON object');
  const out: ContextEntry[] = [];
  for (const [k, v] of data.entries()) {
    const name = asStr(k)!;
    if (RECIPE_DEFAULT_NAMES.has(name)) throw new PyException('ValueError', `Duplicate context entry ${repr(name)}`);
    let value: PyValue = v;
    let module: string | undefined;
    if (v instanceof PyDict && v.size === 1) {
      const py = asStr(v.get('__py__') ?? null);
      const imp = asStr(v.get('__import__') ?? null);
      if (py !== undefined) value = evaluatePyBang(py);
      else if (imp !== undefined) value = importFor((module = imp), 'render-template');
    }
    out.push(module === undefined ? { type: 'json', name, expression: '', value } : { type: 'import', name, expression: module, value, module });
  }
  return out;
}

export async function renderTemplateCommand(ctx: CommandContext): Promise<number> {
  const args = ctx.args.args;
  const positional = args.filter((a) => !a.startsWith('--'));
  if (positional.length !== 1) throw new UsageError('render-template: give one TEMPLATE (and --context-json FILE)');
  const unknown = args.filter((a) => a.startsWith('--') && !/^--(context-json|extension|import|output)=/.test(a));
  if (unknown.length) throw new UsageError(`render-template: unknown option ${unknown[0]}`);
  const contextFiles = values(args, '--context-json');
  if (contextFiles.length > 1) throw new UsageError('render-template: one --context-json');
  const imports: ImportEntry[] = values(args, '--import').map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`--import: expected NAME=FILE, got '${spec}'`);
    const path = resolve(ctx.cwd, spec.slice(eq + 1));
    let folder = false;
    try {
      folder = statSync(path).isDirectory();
    } catch {
      // a missing file: TemplateNotFound when imported, as in the recipe
    }
    return { alias: spec.slice(0, eq), kind: folder ? 'folder' : 'file', path };
  });
  const template = resolve(ctx.cwd, positional[0]!);
  try {
    const text = contextFiles.length ? readFileSync(contextFiles[0] === '-' ? 0 : resolve(ctx.cwd, contextFiles[0]!), 'utf8') : '{}';
    const part: Jinja2Part = {
      name: 'render-template',
      template: { kind: 'url', url: template },
      output: '',
      mode: null,
      encoding: 'utf-8',
      extensions: values(args, '--extension'),
      importDelimiter: '/',
      imports,
      context: contextFromJson(text),
    };
    const { source, filename } = await templateSource(part, true, ctx.cwd);
    const data = encodeOutput(renderText(part, source, filename), part.encoding);
    const output = values(args, '--output')[0];
    if (output) writeFileSync(resolve(ctx.cwd, output), data);
    else process.stdout.write(data);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (e instanceof TemplateSyntaxError) ctx.err(`Error: ${e.filename ?? positional[0]}:${e.lineno}: ${e.pyType}: ${e.message}`);
    else if (e instanceof PyException) ctx.err(`Error: ${positional[0]}: ${e.toString()}`);
    else if (e instanceof RecipeError || (e as NodeJS.ErrnoException).code) ctx.err(`Error: ${(e as Error).message}`);
    else throw e;
    return 1;
  }
}

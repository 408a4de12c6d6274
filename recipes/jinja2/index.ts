// slapos.recipe.template:jinja2 (slapos.recipe.template 5.1,
// docs/jinja2.md#the-recipe). At init: the template's location, the output,
// the mode and the context entries are read (so `key`/`section` entries make
// the part depend on what they read) and the import-list resolved. At install
// and update: the template is read (or downloaded), rendered with Jinja2's
// semantics, and written as the recipe writes it (same bytes: only the mode is
// fixed; otherwise unlink and create, default mode 0666, 0777 with a shebang,
// masked by the umask; `once` renders only while its marker is absent).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, fstatSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TemplateSyntaxError } from '../../jinja/index.ts';
import { encodeStr, PyException, type PyValue } from '../../python/index.ts';
import { RecipeError, type BuildoutView, type PartOptions, type RecipeContext, type RecipeModule } from '../api.ts';
import { parseContext, parseImportList, type ContextEntry, type ImportEntry, type PythonImporter } from './context.ts';
import { parseExtensions, RECIPE_DEFAULT_NAMES, recipeDefaults, recipeEnvironment } from './environment.ts';
import { decodeText, importLoader } from './loader.ts';
import { cannotBeHad } from '../lib/download.ts';
import { modeOption, willCreate } from '../lib/files.ts';
import { downloadAsync, timeoutMs } from '../../profile/http-download.ts';
import { TEMPLATE_OPTIONS } from '../template.ts';

export type TemplateLocation = { kind: 'inline'; text: string } | { kind: 'url'; url: string; md5sum?: string };

/** Everything a jinja2 part needs to render, as its init computed it. */
export interface Jinja2Part {
  name: string;
  template: TemplateLocation;
  output: string;
  /** null: the default (0666 or 0777 with a shebang, masked by the umask). */
  mode: number | null;
  once?: string;
  encoding: string;
  extensions: string[];
  importDelimiter: string;
  imports: ImportEntry[];
  context: ContextEntry[];
}

/** Python's exceptions raised while reading a part's options become the recipe's located refusals. */
function refuse<T>(part: string, what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof PyException && !(e instanceof RecipeError)) throw new RecipeError(`[${part}] ${what}: ${e.toString()}`);
    throw e;
  }
}

/** The template's location: `url`, `inline`, or the legacy `template` (possibly `inline:` + text). */
function templateLocation(options: PartOptions): TemplateLocation {
  const inline = options.get('inline');
  let url = options.get('url');
  if (url === undefined && inline === undefined) {
    const legacy = options.get('template');
    if (legacy !== undefined) {
      if (legacy.startsWith('inline:')) return { kind: 'inline', text: legacy.slice(7).replace(/^[\r\n]+/, '') };
      url = legacy;
    }
  }
  if (url !== undefined && inline !== undefined) throw new RecipeError(`[${options.name}] 'url' and 'inline' are mutually exclusive`);
  if (inline !== undefined) return { kind: 'inline', text: inline };
  if (url === undefined) throw new RecipeError(`[${options.name}] no template: give 'url' (or the legacy 'template') or 'inline'`);
  const md5sum = options.get('md5sum');
  return md5sum ? { kind: 'url', url, md5sum } : { kind: 'url', url };
}

/** The recipe's constructor, without the side effects: what the differential tests and `render-template` reuse. */
export function prepareJinja2(name: string, options: PartOptions, buildout: BuildoutView, python?: PythonImporter): Jinja2Part {
  const encoding = options.get('encoding') ?? 'utf-8';
  const importDelimiter = options.get('import-delimiter') ?? '/';
  const imports = refuse(name, 'import-list', () => parseImportList(options.get('import-list') ?? '', buildout, options));
  const template = templateLocation(options);
  let output = options.get('output');
  if (output === undefined) output = options.get('rendered');
  if (output === undefined) options.require('output'); // buildout's "Missing option"
  const extensions = parseExtensions(options.get('extensions'));
  const context = refuse(name, 'context', () => parseContext(options.get('context') ?? '', RECIPE_DEFAULT_NAMES, buildout, options, python));
  const mode = modeOption(options, name) ?? null;
  const once = options.get('once');
  const part: Jinja2Part = { name, template, output: output!, mode, encoding, extensions, importDelimiter, imports, context };
  if (once) part.once = once;
  return part;
}

/** The template text and the file it came from (null for inline templates). */
export async function templateSource(part: Jinja2Part, offline = false, cwd = process.cwd(), socketTimeout?: string): Promise<{ source: string; filename: string | null }> {
  const t = part.template;
  if (t.kind === 'inline') return { source: t.text, filename: null };
  let data: Buffer;
  let filename: string;
  if (/^https?:\/\//i.test(t.url)) {
    if (offline) throw new RecipeError(`Couldn't download '${t.url}' in offline mode.`);
    const r = await downloadAsync({ url: t.url, timeoutMs: timeoutMs(socketTimeout) });
    if ('error' in r) throw new RecipeError(`[${part.name}] Error downloading ${t.url}: ${r.error}`);
    data = r.body!;
    filename = t.url;
  } else {
    filename = t.url.startsWith('file://') ? fileURLToPath(t.url) : resolve(cwd, t.url);
    try {
      data = readFileSync(filename);
    } catch (e) {
      throw new RecipeError(`[${part.name}] cannot read the template ${t.url}: ${(e as Error).message}`);
    }
  }
  if (t.md5sum && createHash('md5').update(data).digest('hex') !== t.md5sum.toLowerCase()) {
    throw new RecipeError(`MD5 checksum mismatch ${/^https?:/.test(t.url) ? 'downloading' : 'for local resource at'} '${t.url}'.`);
  }
  const source = refuse(part.name, `template ${t.url}`, () => decodeText(data, part.encoding));
  return { source, filename };
}

/** The render variables: the recipe's defaults, then the context entries. */
export function renderVariables(part: Jinja2Part): Map<string, PyValue> {
  const vars = recipeDefaults();
  for (const e of part.context) vars.set(e.name, e.value);
  return vars;
}

/** Renders the part's template to text (Jinja2's exceptions propagate as Python exceptions). */
export function renderText(part: Jinja2Part, source: string, filename: string | null = null): string {
  const env = recipeEnvironment(part.extensions, importLoader(part.imports, part.importDelimiter, part.encoding));
  const template = env.fromString(source, null);
  void filename;
  return template.render(renderVariables(part));
}

/** The rendered text in the part's encoding (Python's str.encode: lone surrogates are an error). */
export function encodeOutput(text: string, encoding: string): Buffer {
  if (/^utf-?8$/i.test(encoding) && !/\p{Surrogate}/u.test(text)) return Buffer.from(text, 'utf8');
  const b = encodeStr(text, encoding, 'strict');
  return Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength);
}

let umaskCache: number | undefined;
function currentUmask(): number {
  umaskCache ??= process.umask();
  return umaskCache;
}

/**
 * The recipe's write: a file that already holds these bytes only gets its
 * mode fixed; otherwise it is unlinked (its parent created when missing)
 * and created anew so that the umask applies. `owned`: the part returns it
 * (lib/files.ts willCreate).
 */
export function writeOutput(path: string, data: Buffer, mode: number | null, owned = true): void {
  const mask = mode === null ? (data.subarray(0, 2).toString('latin1') === '#!' ? 0o777 : 0o666) : 0;
  try {
    const fd = openSync(path, 'r');
    try {
      const current = readFileSync(fd);
      if (current.equals(data)) {
        const want = mode === null ? mask & ~currentUmask() & 0o777 : mode;
        if ((fstatSync(fd).mode & 0o7777) !== want) fchmodSync(fd, want);
        return;
      }
    } finally {
      closeSync(fd);
    }
  } catch {
    // unreadable or missing: written below
  }
  // the part's path (unless `once`): journalled before it is replaced
  if (owned) willCreate(path);
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    const dir = dirname(path);
    if (dir && !existsSync(dir)) mkdirSync(dir, { recursive: true });
  }
  const fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mask);
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off);
    if (mode !== null) fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
  }
}

/** A located, readable refusal for an error raised while rendering. */
function renderError(part: Jinja2Part, filename: string | null, e: unknown): unknown {
  const where = filename ?? '<inline>';
  if (e instanceof TemplateSyntaxError) return new RecipeError(`[${part.name}] ${where}:${e.lineno}: ${e.pyType}: ${e.message}`);
  if (e instanceof PyException && !(e instanceof RecipeError)) return new RecipeError(`[${part.name}] rendering ${where}: ${e.toString()}`);
  return e;
}

/**
 * install(): renders and writes; with `once`, nothing when the marker
 * exists, and nothing returned. `standIn`: a template that cannot be had
 * (--stub-software) is told to it and rendered empty.
 */
export async function installPart(part: Jinja2Part, offline = false, socketTimeout?: string, standIn?: (e: RecipeError) => void): Promise<string | undefined> {
  if (part.once && existsSync(part.once)) return undefined;
  let source: string;
  let filename: string | null;
  try {
    ({ source, filename } = await templateSource(part, offline, process.cwd(), socketTimeout));
  } catch (e) {
    if (!standIn || !cannotBeHad(e)) throw e;
    standIn(e);
    [source, filename] = ['', null];
  }
  let data: Buffer;
  try {
    data = encodeOutput(renderText(part, source, filename), part.encoding);
  } catch (e) {
    throw renderError(part, filename, e);
  }
  writeOutput(part.output, data, part.mode, !part.once);
  if (part.once) {
    closeSync(openSync(part.once, 'a'));
    return undefined;
  }
  return part.output;
}

export const templateJinja2: RecipeModule = {
  names: ['slapos.recipe.template:jinja2'],
  // what it writes or fetches, instances read: it runs under --stub-software
  stubSoftware: 'renders',
  pureInit: true,
  schema: {
    doc: 'Writes `output` from a Jinja2 template, with the variables given by `context`.',
    options: {
      ...TEMPLATE_OPTIONS,
      md5sum: { doc: 'MD5 checksum of the template fetched from url' },
      mode: { doc: 'octal mode of the output (default 0666, or 0777 when it starts with #!, masked by the umask)' },
      context: { doc: 'the template variables, one a line: `key NAME SECTION:OPTION`, `raw NAME TEXT`, `section NAME SECTION`, `import NAME MODULE`, `json NAME JSON`, `jsonkey NAME SECTION:OPTION`' },
      'import-list': { doc: 'templates importable by alias, one a line: `file ALIAS SECTION:OPTION`, `rawfile ALIAS PATH`, `folder …`, `rawfolder …`' },
      'import-delimiter': { doc: 'separator between an import-list alias and a path inside a folder', default: '/' },
      extensions: { doc: 'Jinja2 extensions, whitespace separated (jinja2.ext.do, jinja2.ext.loopcontrols)' },
      encoding: { doc: 'encoding of the template, of imported files and of the output', default: 'utf-8' },
      'extra-context': { doc: 'convention: more context lines, appended with ${:extra-context}' },
    },
    oneOf: [['url', 'inline', 'template'], ['output', 'rendered']],
    aliases: { template: 'url', rendered: 'output' },
    generated: [],
    sectionOptions: [{ option: 'context', syntax: 'jinja2-context' }],
    templateReadsOptions: true,
    templateFiles: ['url', 'template'],
    download: { url: 'url', md5sum: 'md5sum' },
  },
  init({ name, options, buildout, python, logger }: RecipeContext) {
    const part = prepareJinja2(name, options, buildout, python && ((module) => python().importModule(module)));
    // under --stub-software a template that cannot be had renders empty, as downloads (lib/download.ts)
    const standIn = buildout.stubSoftware ? (e: RecipeError) => logger.warning(`${e.message}: an empty stand-in instead (--stub-software)`) : undefined;
    const install = () => installPart(part, buildout.offline, buildout.section('buildout').get('socket-timeout'), standIn);
    return {
      install,
      // update renders again, and keeps the recorded paths
      update: async () => {
        await install();
        return undefined;
      },
    };
  },
};

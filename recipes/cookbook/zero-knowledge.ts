// slapos.cookbook:zero-knowledge.write and .read (slapos/recipe/
// zero_knowledge.py): a configparser file kept beside the instance, named
// by `filename` (under [buildout] directory) or `file-path`.
// write: the part's options (but recipe, filename/file-path) go into the
// section named as the part; options the file has already keep their value
// (a user may have changed them), a missing section is written whole.
// read: every option of every section of the file (interpolated, [DEFAULT]
// ones too) becomes an option of the part, at init; nothing when the file
// does not exist. Neither returns a path (the file outlives the part).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatConfigFile, readConfigFile, type ConfigFile } from '../../parser/configparser.ts';
import { RecipeError, type PartOptions, type RecipeModule } from '../api.ts';

function filePath(name: string, options: PartOptions, directory: string): string {
  const filename = options.get('filename');
  if (filename === undefined && !options.has('file-path')) throw new RecipeError(`[${name}] You have to provide the parameter either "filename" or "file-path"`);
  return filename ? join(directory, filename.trim()) : options.require('file-path').trim();
}

function read(path: string): ConfigFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined; // configparser's read() skips a file it cannot open
  }
  return readConfigFile(text, path);
}

/** configparser's set() refuses a `%` that BasicInterpolation could not read back. */
function checkInterpolation(name: string, key: string, value: string): void {
  const bare = value.replaceAll('%%', '');
  const p = bare.search(/%(?!\()/);
  if (p >= 0) throw new RecipeError(`[${name}] ${key}: invalid interpolation syntax in ${JSON.stringify(value)} at position ${value.indexOf('%', p)}`);
}

const OPTIONS = {
  filename: { doc: 'the file, relative to [buildout] directory' },
  'file-path': { doc: 'the file, absolute (when no filename)' },
};

export const zeroKnowledgeWrite: RecipeModule = {
  names: ['slapos.cookbook:zero-knowledge.write'],
  pureInit: true,
  schema: {
    doc: 'Writes the part\'s options into a configparser file (a section named as the part), keeping the values it has already.',
    options: OPTIONS,
    anyOptions: true,
  },
  init({ name, options, buildout }) {
    const path = filePath(name, options, buildout.directory);
    const own = options.keys().filter((k) => k !== 'recipe' && k !== (options.get('filename') ? 'filename' : 'file-path') && !k.startsWith('__buildout'));
    const install = () => {
      const file = read(path);
      const sections = file?.sections ?? new Map<string, Map<string, string | null>>();
      const section = sections.get(name) ?? new Map<string, string | null>();
      const known = file?.sections.has(name);
      if (!known) section.clear();
      for (const k of own) {
        const key = k.toLowerCase();
        const value = options.get(k) ?? '';
        checkInterpolation(name, k, value);
        if (!known || !(section.has(key) || file!.defaults.has(key))) section.set(key, value);
      }
      sections.set(name, section);
      writeFileSync(path, formatConfigFile(sections, file?.defaults));
      return [];
    };
    return { install, update: install };
  },
};

export const zeroKnowledgeRead: RecipeModule = {
  names: ['slapos.cookbook:zero-knowledge.read'],
  pureInit: true,
  schema: {
    doc: 'Sets, at init, every option of a configparser file as an option of the part.',
    options: OPTIONS,
    generatesUnknown: 'the options of the file it reads',
  },
  init({ name, options, buildout }) {
    const path = filePath(name, options, buildout.directory);
    if (existsSync(path)) {
      const file = read(path);
      for (const section of file?.sections.keys() ?? []) for (const [k, v] of file!.items(section)) options.set(k, v);
    }
    return { install: () => [], update: () => [] };
  },
};

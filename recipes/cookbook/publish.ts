// slapos.cookbook:publish and publish.serialised
// (docs/slapos-recipes.md#publish): the connection parameters of the instance
// are every option of the part but `recipe` and those starting with `-`, plus
// the options of the sections named by `-extends` (recursively; in each
// section, the part's own too, `-publish` limits which keys are taken).
//
// With a master (a [slap-connection] section with a server-url, as slapgrid
// writes it), they are sent to it: setComputerPartitionConnectionXml, the
// dict itself or, for .serialised, `{'_': json.dumps(dict)}`; the failsafe
// variants write the error to `-error-status-file` instead of failing.
// With no master, they are written to
// `.published-parameters.json` in the buildout directory: one entry per
// publishing part, `{"parameters": {...}, "serialised": bool,
// "slave-reference": str|null}`, keys sorted, two-space indent. The
// `serialised` flag says the master would receive them as JSON-in-XML
// (`{"_": json.dumps(parameters)}`). Typed option values are written as the
// JSON of the Python value. The file is rewritten only when it changes; an
// uninstalled part's entry is removed (buildout's record of the part is
// gone, so is what it published). Returns [] (the file is shared).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { jsonDumps, jsonLoads, PyDict, pySplitWhitespace, type PyValue } from '../../python/index.ts';
import { RecipeError, type BuildoutView, type PartOptions, type RecipeModule } from '../api.ts';
import { writeIfChanged } from '../lib/files.ts';
import { masterCall, slapConnection, wrap } from '../slap/connection.ts';

export const PUBLISHED_FILE = '.published-parameters.json';

function readPublished(path: string): PyDict {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return new PyDict();
  }
  try {
    const d = jsonLoads(text);
    if (d instanceof PyDict) return d;
  } catch {
    // damaged: start again
  }
  throw new RecipeError(`${path} is not a JSON object: remove it and run again`);
}

function writePublished(path: string, d: PyDict): void {
  // the directory's published parameters, not the part's path
  writeIfChanged(path, jsonDumps(d, { indent: 2, sortKeys: true, ensureAscii: false }) + '\n', 0o600, { owned: false });
}

function publishable(options: PartOptions, only?: readonly string[]): [string, PyValue][] {
  const keys = only ?? options.keys().filter((k) => k !== 'recipe' && !k.startsWith('-'));
  return keys.map((k) => [k, options.typed(k) ?? options.require(k)]);
}

/**
 * Publish `parameters` for the partition (or the shared instance `slave`):
 * to the master of [slap-connection], else to .published-parameters.json
 * under the part's name (above). What publish, publishurl… send.
 */
export function publishConnection(name: string, buildout: BuildoutView, parameters: PyDict, o: { serialised: boolean; slave?: string | undefined }): void {
  const master = slapConnection(buildout);
  if (master) {
    masterCall(`[${name}] cannot publish the connection parameters`, () => master.slap.setConnection(master.computer, master.partition, o.serialised ? wrap(parameters) : parameters, o.slave ?? null));
    return;
  }
  const file = join(buildout.directory, PUBLISHED_FILE);
  const all = readPublished(file);
  all.set(name, new PyDict([
    ['parameters', parameters],
    ['serialised', o.serialised],
    ['slave-reference', o.slave ?? null],
  ]));
  writePublished(file, all);
}

function makePublish(names: string[], serialised: boolean, failsafe: readonly string[] = []): RecipeModule {
  return {
    names,
    pureInit: true,
    schema: {
      doc: 'Publishes its options as connection parameters.',
      options: {
        '-extends': { doc: 'sections whose options are published too (recursively)' },
        '-publish': { doc: 'the keys to publish (the other options are data)' },
        '-slave-reference': { doc: 'publish for this shared instance rather than for the partition' },
        '-error-status-file': { doc: '(failsafe variants) a file removed when publishing succeeds' },
      },
      anyOptions: true,
      generated: [],
      sectionOptions: [{ option: '-extends', syntax: 'section-list' }],
    },
    init({ name, options, buildout }) {
      // read every section at init: buildout records them as dependencies;
      // their values are read again at install, where the original reads
      // them: another part's init may set options of them in between
      // (erp5's balancer sets its families' URLs in [publish] from the init
      // of its haproxy parameters).
      // Every section, the part's own included, publishes its `-publish`
      // keys if it has that option, else all but `recipe` and `-…`. The real
      // recipe merges them in the order of a Python set (the hash seed's);
      // tsbuildout lets the part's own values win, then the nearer sections.
      const sections: PartOptions[] = [];
      const done = new Set([name]);
      const todo = [name];
      while (todo.length) {
        const x = todo.pop()!;
        const s = x === name ? options : buildout.section(x);
        sections.push(s);
        for (const x of pySplitWhitespace(s.get('-extends') ?? '')) {
          if (!done.has(x)) {
            done.add(x);
            todo.push(x);
          }
        }
      }
      sections.reverse();
      const collect = () => {
        const parameters = new PyDict();
        for (const s of sections) {
          const only = s.get('-publish');
          for (const [k, v] of publishable(s, only === undefined ? undefined : pySplitWhitespace(only))) parameters.set(k, v);
        }
        return parameters;
      };
      collect();
      const extended = sections.length > 1;
      const slave = options.get('-slave-reference');
      const errorFile = options.get('-error-status-file');
      const isFailsafe = failsafe.includes((options.get('recipe') ?? '').trim());
      const install = () => {
        try {
          publishConnection(name, buildout, collect(), { serialised, slave });
        } catch (e) {
          // the failsafe variants note a master's refusal instead of failing
          if (!isFailsafe || !errorFile || !slapConnection(buildout)) throw e;
          writeIfChanged(errorFile, `${(e as Error).message}\n`, 0o600, { owned: false });
          return [];
        }
        if (errorFile) rmSync(errorFile, { force: true });
        return [];
      };
      return { install, update: () => (extended ? install() : undefined) };
    },
    uninstall({ name, directory }) {
      // with a master, what was published stays published (the master keeps the last dict)
      const file = join(directory, PUBLISHED_FILE);
      const all = readPublished(file);
      if (all.get(name) === undefined) return;
      all.delete(name);
      writePublished(file, all);
    },
  };
}

export const publish = makePublish(['slapos.cookbook:publish', 'slapos.cookbook:publish_failsafe'], false, ['slapos.cookbook:publish_failsafe']);
export const publishSerialised = makePublish(['slapos.cookbook:publish.serialised', 'slapos.cookbook:publish.serialised_failsafe'], true, ['slapos.cookbook:publish.serialised_failsafe']);

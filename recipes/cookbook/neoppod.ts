// slapos.cookbook's neoppod recipes (slapos/recipe/neoppod.py).
//
// neoppod.cluster: `nodes` names request sections (one per NEO node);
// `admins` becomes the space-joined `connection-admin` values they got,
// `masters` (default empty) the `connection-master` ones. When `masters`
// changes, each node section gets `config-masters` and its recipe is
// constructed again (the original calls `node.recipe.__init__`), so the
// nodes are requested again with the master list. Nodes are read in sorted
// order of their names, empty values skipped. Install and update do nothing.
//
// neoppod.master, neoppod.admin, neoppod.storage: a service `wrapper`
// running `binary -l logfile -m masters -b ip[:port] -c cluster`, with
// `--ca/--cert/--key` under `${buildout:directory}/etc/` when `ssl` is true,
// then the node's own options (master: -p partitions -r replicas -A
// autostart, -C/-M when upstream-cluster/-masters are set; storage: -d -a -w
// and -e engine when set), then `extra-options` (shlex-split), with the
// `environment` lines exported and RTMIN+1 ignored (log reopening). An empty
// `masters` fails the install ("masters" parameter is mandatory: the nodes are
// requested before the masters are known). `port` is required but for
// storage (the original raises ValueError). With `private-tmpfs`, the
// wrapper's Python form (lib/wrapper-script.ts), as the original.
import { pySplitWhitespace, truthy } from '../../python/index.ts';
import { RecipeError, type PartOptions, type RecipeModule } from '../api.ts';
import { readAllOptions } from '../lib/options.ts';
import { shlexSplit } from '../lib/shlex.ts';
import { createWrapper, type WrapperSpec } from '../lib/wrapper-script.ts';
import { parseEnvironment, parsePrivateTmpfs } from './wrapper.ts';

export const neoppodCluster: RecipeModule = {
  names: ['slapos.cookbook:neoppod.cluster'],
  initEffect: 'its init requests the NEO nodes again with the master list',
  schema: {
    doc: 'Gathers the masters and admins the requested NEO nodes publish, and requests the nodes again with the master list.',
    options: {
      nodes: { doc: 'the request sections of the NEO nodes (whitespace separated)' },
      masters: { doc: 'the masters (space separated); computed', default: '' },
    },
    required: ['nodes'],
    generated: ['masters', 'admins'],
  },
  init({ options, buildout }) {
    let masters = options.get('masters');
    if (masters === undefined) {
      masters = '';
      options.set('masters', masters);
    }
    const found: Record<'connection-admin' | 'connection-master', string[]> = { 'connection-admin': [], 'connection-master': [] };
    const nodes: PartOptions[] = [];
    for (const name of pySplitWhitespace(options.require('nodes')).sort()) {
      const node = buildout.section(name);
      nodes.push(node);
      for (const k of ['connection-admin', 'connection-master'] as const) {
        const x = node.require(k);
        // the fork gives the value itself: a node publishing an empty value gives None (skipped)
        if (truthy(node.typed(k) ?? '')) found[k].push(x);
      }
    }
    options.set('admins', found['connection-admin'].join(' '));
    const x = found['connection-master'].join(' ');
    if (masters !== x) {
      options.set('masters', x);
      for (const node of nodes) {
        node.set('config-masters', x);
        buildout.reinitialise(node.name);
      }
    }
    return { install: () => null, update: () => null };
  },
};

type NodeKind = 'master' | 'admin' | 'storage';

/** The node's own arguments (NeoBaseRecipe._getOptionList). */
function optionList(kind: NodeKind, options: PartOptions): string[] {
  if (kind === 'admin') return [];
  if (kind === 'storage') {
    const r = ['-d', options.require('database-parameters'), '-a', options.require('database-adapter'), '-w', options.require('wait-database')];
    const engine = options.get('engine');
    if (engine) r.push('-e', engine);
    return r;
  }
  const r = ['-p', options.require('partitions'), '-r', options.require('replicas'), '-A', options.require('autostart')];
  for (const [flag, key] of [['-C', 'upstream-cluster'], ['-M', 'upstream-masters']] as const) {
    const v = options.require(key);
    if (v) r.push(flag, v);
  }
  return r;
}

const COMMON = {
  binary: { doc: 'the NEO program (neomaster, neoadmin, neostorage)' },
  wrapper: { doc: 'the service script to write' },
  logfile: { doc: 'the log file (-l, first, as logrotate snippets expect)' },
  masters: { doc: 'the masters (host:port, space separated); empty: the install fails until they are known' },
  ip: { doc: 'the address to bind' },
  port: { doc: 'the port to bind' },
  cluster: { doc: 'the cluster name' },
  ssl: { doc: 'true: --ca/--cert/--key from etc/ca.crt, etc/neo.crt, etc/neo.key' },
  'extra-options': { doc: 'more arguments, split as shlex.split does' },
  environment: { doc: 'KEY=VALUE lines exported before exec' },
  'private-tmpfs': { doc: '"<size> <path>" lines: tmpfs mounts in a private user and mount namespace' },
} as const;

function neoNode(kind: NodeKind, own: Record<string, { doc: string }>): RecipeModule {
  const required = ['binary', 'wrapper', 'logfile', 'masters', 'ip', 'cluster', 'ssl', ...(kind === 'storage' ? [] : ['port']), ...Object.keys(own).filter((k) => k !== 'engine')];
  return {
    names: [`slapos.cookbook:neoppod.${kind}`],
    pureInit: true,
    schema: { doc: `Writes the service script of a NEO ${kind} node.`, options: { ...COMMON, ...own }, required },
    init({ name, options, buildout }) {
      // GenericBaseRecipe copies its options at init
      readAllOptions(options);
      const python = buildout.section('buildout').get('executable');
      const install = () => {
        if (!options.require('masters')) throw new RecipeError('"masters" parameter is mandatory');
        let bind = options.require('ip');
        if (options.has('port')) bind += ':' + options.require('port');
        else if (kind !== 'storage') throw new RecipeError(`[${name}] "port" option is mandatory.`);
        const args = [options.require('binary'), '-l', options.require('logfile'), '-m', options.require('masters'), '-b', bind, '-c', options.require('cluster')];
        if (truthy(options.typed('ssl') ?? '')) {
          const etc = `${buildout.directory}/etc/`;
          args.push('--ca', etc + 'ca.crt', '--cert', etc + 'neo.crt', '--key', etc + 'neo.key');
        }
        args.push(...optionList(kind, options), ...shlexSplit(options.get('extra-options') ?? ''));
        const env = parseEnvironment(options.get('environment') ?? '', name);
        const spec: WrapperSpec = { args, env, sigIgn: 'RTMIN+1' };
        const mounts = parsePrivateTmpfs(options.get('private-tmpfs') ?? '');
        if (mounts.length) spec.privateTmpfs = mounts;
        if (python) spec.python = python;
        return createWrapper(options.require('wrapper'), spec);
      };
      return { install, update: install };
    },
  };
}

export const neoppodMaster = neoNode('master', {
  partitions: { doc: 'the number of partitions (-p)' },
  replicas: { doc: 'the number of replicas (-r)' },
  autostart: { doc: 'the number of storage nodes that start the cluster (-A)' },
  'upstream-cluster': { doc: 'the upstream cluster of a backup cluster (-C), or empty' },
  'upstream-masters': { doc: 'the upstream masters of a backup cluster (-M), or empty' },
});
export const neoppodAdmin = neoNode('admin', {});
export const neoppodStorage = neoNode('storage', {
  'database-parameters': { doc: 'the database (-d)' },
  'database-adapter': { doc: 'the database adapter: MySQL or SQLite (-a)' },
  'wait-database': { doc: 'seconds to wait for the database, -1 forever (-w)' },
  engine: { doc: 'the MySQL engine (-e), when set' },
});

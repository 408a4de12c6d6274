// slapos.cookbook:re6stnet.registry (slapos/recipe/re6stnet): the re6st
// registry's certificate and the tokens of its shared instances.
//
// Install: with `openssl-bin`, `dh-file` (`openssl dhparam -out DH
// KEY-SIZE`) when it does not exist, then, when `cert-file` does not exist,
// `key-file` (`openssl genrsa -out KEY KEY-SIZE`) and a self-signed
// certificate (`openssl req -nodes -new -sha256 -x509 -batch -key KEY
// -set_serial SERIAL -days 3650 -out CERT`, SERIAL the hexadecimal of `1`
// followed by the bits of `ipv6-prefix`); a failed command removes what it
// was writing. The tokens: `conf-dir`/token.json maps each shared instance
// (`slave-instance-list`, by `slave_reference`) to its token, the part of the
// reference after its first `-` then 20 distinct random lowercase letters;
// `token-dir`/<reference>.add is written for a new one, <reference>.remove for
// one that is gone (its .add removed). Then `manager-wrapper`, the script the
// original writes with zc.buildout's easy_install (buildout's Python, the
// slapos.cookbook working set on sys.path) calling
// slapos.recipe.re6stnet.re6stnet.manage(registry URL, token-dir, token.json,
// the partition's master connection); it needs the release's re6st egg to run.
// Init reads [slap-connection] as the original does. Returns the script;
// update = install.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isIPv6 } from 'node:net';
import { jsonDumps, jsonLoads, PyDict, PyList, pyStrip, repr, strRepr, type PyValue } from '../../python/index.ts';
import { RecipeError, type RecipeModule } from '../api.ts';
import { consoleScriptEnvironment, createConsoleScript } from '../lib/console-script.ts';
import { createFile } from '../lib/files.ts';
import { readAllOptions } from '../lib/options.ts';

/** The bits of an IPv6 address, as slapos.util.binFromIpv6 gives them. */
function ipv6Bits(ip: string): string {
  if (!isIPv6(ip)) throw new RecipeError(`illegal IP address string passed to inet_pton: ${ip}`);
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  let words = groups(head);
  if (tail !== undefined) {
    const end = groups(tail);
    words = [...words, ...Array<string>(8 - words.length - end.length).fill('0'), ...end];
  }
  if (words.some((w) => w.includes('.'))) throw new RecipeError(`ipv6-prefix: an IPv4 tail (${ip}) is not supported by tsbuildout`);
  return words.map((w) => parseInt(w, 16).toString(2).padStart(16, '0')).join('');
}

/** getSerialFromIpv6: `0x` and the hexadecimal of `1` followed by the prefix's bits. */
export function serialFromIpv6(prefix: string): string {
  const [address, length] = prefix.split('/');
  if (length === undefined) throw new RecipeError(`ipv6-prefix: ${strRepr(prefix)} is not ADDRESS/LENGTH`);
  return '0x' + BigInt('0b1' + ipv6Bits(address!).slice(0, Number(length))).toString(16);
}

function checkCall(args: string[], cleanup: string): void {
  const r = spawnSync(args[0]!, args.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status === 0) return;
  rmSync(cleanup, { force: true });
  const what = r.error ? `[Errno 2] No such file or directory: ${strRepr(args[0]!)}` : `Command ${repr(new PyList(args))} returned non-zero exit status ${r.status ?? -1}.`;
  throw new RecipeError(what);
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** random.sample(ascii_lowercase, n): n distinct letters. */
function sampleLetters(n: number): string {
  const pool = [...LETTERS];
  let out = '';
  for (let i = 0; i < n; i++) out += pool.splice(randomInt(pool.length), 1)[0];
  return out;
}

function readTokens(path: string): PyDict {
  if (!existsSync(path)) return new PyDict();
  const d = jsonLoads(readFileSync(path, 'utf8'));
  if (!(d instanceof PyDict)) throw new RecipeError(`${path} is not a JSON object`);
  return d;
}

export const re6stnetRegistry: RecipeModule = {
  names: ['slapos.cookbook:re6stnet.registry'],
  pureInit: true,
  schema: {
    doc: "Creates the re6st registry's certificate and the tokens of its shared instances, and writes the token manager script.",
    options: {
      'manager-wrapper': { doc: 'the token manager script to write' },
      'openssl-bin': { doc: 'the openssl program' },
      'key-size': { doc: 'the size of the key and of the DH parameters' },
      'ipv6-prefix': { doc: "the network's IPv6 prefix (ADDRESS/LENGTH): the certificate's serial" },
      'conf-dir': { doc: 'where token.json is kept' },
      'token-dir': { doc: 'where <reference>.add and .remove requests are written' },
      'key-file': { doc: 'the registry key' },
      'cert-file': { doc: 'the registry certificate' },
      'dh-file': { doc: 'the DH parameters' },
      ipv4: { doc: "the registry's address" },
      port: { doc: "the registry's port" },
      'slave-instance-list': { doc: 'the shared instances (a list of dicts with slave_reference)' },
    },
    anyOptions: true,
    required: ['manager-wrapper', 'openssl-bin', 'key-size', 'ipv6-prefix', 'conf-dir', 'token-dir', 'key-file', 'cert-file', 'dh-file', 'ipv4', 'port', 'slave-instance-list'],
    generated: [],
  },
  init({ options, buildout }) {
    const slap = buildout.section('slap-connection');
    const computerDict = new PyDict([
      ['partition_id', slap.require('partition-id')],
      ['computer_guid', slap.require('computer-id')],
      ['master_url', slap.require('server-url')],
      ['cert_file', slap.get('cert-file') ?? null],
      ['key_file', slap.get('key-file') ?? null],
    ]);
    slap.require('software-release-url');
    const slaves = options.typed('slave-instance-list');
    if (slaves === undefined) options.require('slave-instance-list');
    readAllOptions(options);
    const env = consoleScriptEnvironment(buildout, ['slapos.cookbook']);

    const install = () => {
      const o = (k: string) => pyStrip(options.require(k));
      const openssl = options.require('openssl-bin');
      const keySize = options.require('key-size');
      const [key, cert, dh] = [o('key-file'), o('cert-file'), o('dh-file')];
      if (!existsSync(dh)) checkCall([openssl, 'dhparam', '-out', dh, keySize], dh);
      if (!existsSync(cert)) {
        const serial = serialFromIpv6(o('ipv6-prefix'));
        checkCall([openssl, 'genrsa', '-out', key, keySize], key);
        checkCall([openssl, 'req', '-nodes', '-new', '-sha256', '-x509', '-batch', '-key', key, '-set_serial', serial, '-days', '3650', '-out', cert], cert);
      }
      const registryUrl = `http://${options.require('ipv4')}:${options.require('port')}/`;
      const tokenSave = join(options.require('conf-dir'), 'token.json');
      const tokenDir = options.require('token-dir');

      const tokens = readTokens(tokenSave);
      const references: PyValue[] = [];
      for (const slave of (slaves instanceof PyList ? slaves.items : []) as PyValue[]) references.push(slave instanceof PyDict ? (slave.get('slave_reference') ?? null) : null);
      const added = new Map<string, string>();
      for (const reference of references) {
        if (typeof reference !== 'string') throw new RecipeError(`slave-instance-list: a shared instance without slave_reference`);
        if (tokens.get(reference) !== undefined) continue;
        const number = reference.split('-')[1];
        if (number === undefined) throw new RecipeError(`slave-instance-list: ${strRepr(reference)} has no '-' (the token is made of what follows it)`);
        const token = number + sampleLetters(20);
        tokens.set(reference, token);
        added.set(reference, token);
      }
      const removed = new Map<string, string>();
      for (const reference of [...tokens.keys()] as string[]) {
        if (!references.includes(reference)) {
          removed.set(reference, String(tokens.get(reference)));
          tokens.delete(reference);
        }
      }
      for (const [reference, token] of added) {
        const path = join(tokenDir, `${reference}.add`);
        if (!existsSync(path)) createFile(path, token);
      }
      for (const [reference, token] of removed) {
        const path = join(tokenDir, `${reference}.remove`);
        if (!existsSync(path)) {
          createFile(path, token);
          rmSync(join(tokenDir, `${reference}.add`), { force: true });
        }
      }
      createFile(tokenSave, jsonDumps(tokens));

      const args = [strRepr(registryUrl), strRepr(tokenDir), strRepr(tokenSave), repr(computerDict)].join(', ');
      return createConsoleScript(options.require('manager-wrapper'), { python: env.python, paths: env.paths(), entry: 'slapos.recipe.re6stnet.re6stnet.manage', arguments: args });
    };
    return { install, update: install };
  },
};

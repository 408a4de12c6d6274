// Command-line arguments in buildout's order and forms (docs/buildout-run.md#command-line):
// `tsbuildout [options] [section:option=value …] [command [args]]`, flags
// combinable (`-vNc x.cfg`), options and assignments interleaved, the first
// bare word starting the command. tsbuildout's own long options
// (`--semantics`, `--json`, `--python`, `--env`) may appear anywhere.
import type { Assignment } from '../profile/assemble.ts';
import { isMode, type SemanticsMode } from '../profile/semantics.ts';

export interface CliArgs {
  config: string;
  userDefaults: boolean;
  /** As given (cli/run.ts strips their whitespace as buildout does). */
  assignments: Assignment[];
  verbosity: number;
  semantics: SemanticsMode;
  /** Every --semantics given, in order (`diff --semantics A --semantics B`). */
  semanticsList: SemanticsMode[];
  json: boolean;
  python?: string;
  env: string[];
  help: boolean;
  /** The command was named (`tsbuildout install --help` asks for its help). */
  commandGiven: boolean;
  version: boolean;
  command: string;
  args: string[];
}

export class UsageError extends Error {}

/** Long options that take a value. */
const VALUE_OPTIONS = new Set(['--semantics', '--python', '--env', '--format', '--rule', '--against', '--context-json', '--extension', '--import', '--db', '--listen', '--partitions', '--type', '--parameters', '--stub-bin', '--baseline', '--output']);
/** Long options that are flags. */
const FLAG_OPTIONS = new Set(['--stdio', '--json', '--all', '--raw', '--dry-run', '--inventory', '--stub-software', '--help', '--version', '--skip-signature-check']);

export function parseArgs(argv: string[]): CliArgs {
  const out: CliArgs = {
    config: 'buildout.cfg',
    userDefaults: true,
    assignments: [],
    verbosity: 0,
    semantics: 'slapos',
    semanticsList: [],
    json: false,
    env: [],
    help: false,
    commandGiven: false,
    version: false,
    command: 'install',
    args: [],
  };
  const args = [...argv];
  const rest: string[] = [];
  let commandSeen = false;

  while (args.length) {
    const a = args.shift()!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (VALUE_OPTIONS.has(name)) {
        const value = eq < 0 ? args.shift() : a.slice(eq + 1);
        if (value === undefined) throw new UsageError(`option ${name} needs a value`);
        if (!global(out, name, value)) rest.push(`${name}=${value}`);
        continue;
      }
      if (FLAG_OPTIONS.has(name)) {
        if (!global(out, name, undefined)) rest.push(a);
        continue;
      }
      if (!commandSeen) throw new UsageError(`Invalid option ${a}`);
      rest.push(a);
      continue;
    }
    if (commandSeen) {
      if (a === '-h') out.help = true;
      else rest.push(a);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      shortOptions(out, a, args);
      continue;
    }
    if (a.includes('=')) {
      out.assignments.push(assignment(a));
      continue;
    }
    out.command = a;
    commandSeen = true;
  }
  if (out.verbosity) out.assignments.push({ section: 'buildout', option: 'verbosity', value: String(out.verbosity) });
  out.args = rest;
  out.commandGiven = commandSeen;
  return out;
}

/** The options that mean the same for every command. */
function global(out: CliArgs, name: string, value: string | undefined): boolean {
  switch (name) {
    case '--semantics':
      if (!isMode(value!)) throw new UsageError(`--semantics: expected slapos, buildout2 or upstream, got '${value}'`);
      out.semantics = value;
      out.semanticsList.push(value);
      return true;
    case '--json':
      out.json = true;
      return true;
    case '--python':
      out.python = value!;
      return true;
    case '--env':
      out.env.push(value!);
      return true;
    case '--help':
      out.help = true;
      return true;
    case '--version':
      out.version = true;
      return true;
  }
  return false;
}

function shortOptions(out: CliArgs, arg: string, args: string[]): void {
  let op = arg.slice(1);
  while (op && 'vqhUoOnND'.includes(op[0]!)) {
    switch (op[0]) {
      case 'v':
        out.verbosity += 10;
        break;
      case 'q':
        out.verbosity -= 10;
        break;
      case 'h':
        out.help = true;
        break;
      case 'U':
        out.userDefaults = false;
        break;
      case 'o':
        out.assignments.push({ section: 'buildout', option: 'offline', value: 'true' });
        break;
      case 'O':
        out.assignments.push({ section: 'buildout', option: 'offline', value: 'false' });
        break;
      case 'n':
        out.assignments.push({ section: 'buildout', option: 'newest', value: 'true' });
        break;
      case 'N':
        out.assignments.push({ section: 'buildout', option: 'newest', value: 'false' });
        break;
      case 'D':
        break;
    }
    op = op.slice(1);
  }
  if (op[0] === 'c') {
    const file = op.slice(1) || args.shift();
    if (!file) throw new UsageError(`No file name specified for option ${arg}`);
    out.config = file;
  } else if (op[0] === 't') {
    const t = args.shift();
    if (t === undefined) throw new UsageError(`No timeout value specified for option ${arg}`);
    if (!/^\s*[+-]?\d+\s*$/.test(t)) throw new UsageError(`Timeout value must be numeric ${arg}`);
    out.assignments.push({ section: 'buildout', option: 'socket-timeout', value: t });
  } else if (op) {
    throw new UsageError(`Invalid option -${op[0]}`);
  }
}

function assignment(a: string): Assignment {
  const eq = a.indexOf('=');
  const key = a.slice(0, eq);
  const value = a.slice(eq + 1);
  const parts = key.split(':');
  if (parts.length > 2) throw new UsageError(`Invalid option: ${key} (an assignment is [section:]option=value)`);
  const [section, option] = parts.length === 1 ? ['buildout', parts[0]!] : [parts[0]!, parts[1]!];
  // stripped (Python's whitespace) by the commands' bundle (cli/run.ts): the
  // entry bundle, which parses arguments for `--version` and `--help`, has no python/
  return { section, option, value };
}

import { VERSION as V } from '../version.ts';

export const VERSION = `tsbuildout ${V}`;

export const HELP = `Usage: tsbuildout [options] [assignments] [command [command arguments]]

buildout, as SlapOS uses it, in TypeScript: run, lint and inspect profiles.
tsbuildout COMMAND --help (or tsbuildout help COMMAND): a command's options
and exit status. Exit status: 0 done, 1 an error (one Error: line).

Options (as buildout's):
  -c FILE|URL     configuration file (default: buildout.cfg)
  -U              ignore ~/.buildout/default.cfg (and $BUILDOUT_HOME/default.cfg)
  -o / -O         offline mode on / off
  -n / -N         newest mode on / off
  -D              accepted, as slapgrid passes it (zc.buildout's debugger: nothing here)
  -t N            socket timeout in seconds
  -v / -q         more / less verbose (may be repeated)
  -h, --help      this help
  --version       the version

tsbuildout options:
  --semantics MODE   slapos (default), buildout2 (zc.buildout 2.x/3.0 nested extends)
                     or upstream (zc.buildout >= 3.1.1 flattened extends)
  --python PATH      the Python interpreter buildout runs with (default: python3 on PATH)
  --env K=V,...      target environment for section conditions
                     (python, implementation, platform, machine, system, release, version, bits, byteorder, os-name)
  --json             machine-readable output

Assignments:
  [section:]option=value   set an option (section defaults to buildout); += and -= work

Commands:
  install [PART ...]         (the default) uninstall what left or changed, install or update
                             the rest; --dry-run only says what it would do;
                             --stub-software: software-side recipes create their location only
  bootstrap                  create the bin, parts and develop-eggs directories and write
                             \${buildout:bin-directory}/buildout, a Python script running this
                             tsbuildout (--python names its interpreter): what slapgrid needs
                             (slapos.cfg: buildout = <tsbuildout>/bin/slapgrid-buildout.py)
  annotate [SECTION ...]     the merged configuration with the origin of every value
  query [SECTION:]OPTION     the raw merged value of one option
  master [--cfg FILE] [--db FILE] [--listen HOST:PORT] [--partitions N] [--access partition|open]
                             serve the local master (SQLite) with the SLAP protocol, as slapos proxy;
                             each partition may call on itself only, unless --access open
  request NAME SOFTWARE-URL [--type T] [--parameters JSON] [--shared] [--state S]
                             ask the master for an instance; prints its connection parameters
  show NAME                  an instance as the master knows it (parameters, connection
                             parameters, state, last error or bang)
  node [software URL|instance|status|stop] [--root DIR] [--master-url URL]
                             a SlapOS node on this machine: software URL [--stub-software]
                             [--stub-bin DIR] installs a software release; instance processes
                             the partitions (buildout, supervisord, promises); status shows them;
                             node alone installs every software release, then the instances
  resolve [--all] [--raw]    the parts and the substituted values (--raw: merged values only;
                             --all: every section, each error kept with its section)
  lint [PATH ...]            lint profiles (default: the -c file; a directory: every profile in it)
                             --format stylish|json|sarif|github, --rule ID=off|info|warning|error,
                             --baseline FILE [--update-baseline], --list-rules;
                             exit 0 without errors, 1 with errors, 2 when lint cannot run
  render-template TEMPLATE --context-json FILE [--extension NAME ...] [--import NAME=FILE ...]
                             [--output FILE]
                             render a Jinja2 template as slapos.recipe.template:jinja2 does;
                             the JSON object's values are variables ({"__py__": "EXPR"}: a Python
                             literal, {"__import__": "MODULE"}: a module); --import names a file
                             or folder for {% import %}

Inspection (no recipe install code runs, nothing is fetched by recipes):
  plan [--all] [PART ...]    what a run would do to each part (install, update, reinstall,
                             uninstall, unchanged) and why, against .installed.cfg
  plan --inventory           downloads (md5sums, duplicates), remote extends, shared parts
  graph [--format F] [--output FILE] [PART ...]
                             parts, the sections they depend on, every edge labelled with
                             the reference creating it; F: text, json, dot, mermaid, html
  why PART                   the chains of references from [buildout] parts to PART
  explain [SECTION:]OPTION   the value and, step by step, the files, lines, +=/-=, macros and
                             command-line steps that built it, and the references it expands
  diff [--against REV] [--semantics A --semantics B] [--env ...] [section:option=value ...]
                             two variants side by side and what the difference rebuilds
`;

const COMMON = `
Every command also takes buildout's options and tsbuildout's (--semantics,
--python, --env, --json, -c, -U, -o/-O, -n/-N, -t, -v/-q): tsbuildout --help.`;

const EXIT = (codes: string) => `
Exit status:
${codes}`;

const USUAL = EXIT('  0  done\n  1  an error: bad input (one Error: line, with file:line:col where there is one)\n     or a failure; a bug prints a stack trace and asks for a report');

/** `tsbuildout COMMAND --help`: each command's usage, options and exit status. */
const COMMAND_HELP: Record<string, string> = {
  install: `Usage: tsbuildout [options] [assignments] [install] [PART ...]

Run the profile as zc.buildout does: every recipe constructor, then
uninstall what left the profile or changed, then install or update the
rest, in order; PART ...: only those parts (and what they need). The record
(.installed.cfg) is kept after every part.

Options:
  --dry-run          say what would be done (Installing x. …), touch nothing
  --stub-software    recipes that build software only create their location
${USUAL}
${COMMON}`,
  bootstrap: `Usage: tsbuildout [options] bootstrap

Create the bin, parts and develop-eggs directories and write
\${buildout:bin-directory}/buildout, a Python script (#!PYTHON -S) running
this tsbuildout with its arguments: what slapgrid runs in a software
release and in each partition. --python names the interpreter.
${USUAL}
${COMMON}`,
  annotate: `Usage: tsbuildout [options] annotate [SECTION ...]

The merged configuration, each value with the files that set it (buildout's
annotate format); --json adds every step (set, +=, -=, override) with its
file, line and column.
${USUAL}
${COMMON}`,
  query: `Usage: tsbuildout [options] query [SECTION:]OPTION

The raw merged value of one option (the section defaults to buildout).
${USUAL}
${COMMON}`,
  resolve: `Usage: tsbuildout [options] resolve [--all] [--raw]

The parts in install order and the substituted values of the sections they
reach.

Options:
  --all   every section, a failing one shown with its error
  --raw   the merged configuration before macros and substitution
${EXIT('  0  done, also when a part fails to resolve (the error is in the output)\n  1  the profile cannot be loaded (one Error: line)')}
${COMMON}`,
  'render-template': `Usage: tsbuildout [options] render-template TEMPLATE --context-json FILE
         [--extension NAME ...] [--import NAME=FILE ...] [--output FILE]

Render one Jinja2 template as slapos.recipe.template:jinja2 does.

Options:
  --context-json FILE   the variables: a JSON object ({"__py__": "EXPR"}: a
                        Python literal, {"__import__": "MODULE"}: a module);
                        - reads standard input
  --extension NAME      a Jinja2 extension (jinja2.ext.do, jinja2.ext.loopcontrols)
  --import NAME=FILE    a file or folder {% import %} finds under NAME
  --output FILE         write there instead of standard output
${USUAL}
${COMMON}`,
  lint: `Usage: tsbuildout [options] lint [PATH ...]

Check profiles without running anything: the given files, every profile of
a given directory, or the -c file.

Options:
  --format stylish|json|sarif|github   the report (--json: json)
  --rule ID=off|info|warning|error     a rule's severity (all=… for every rule); repeatable
  --baseline FILE [--update-baseline]  accept (or record) the findings in FILE
  --list-rules                         the rules and their default severities
${EXIT('  0  no error finding\n  1  error findings\n  2  lint could not run (a missing path, a bad option)')}
${COMMON}`,
  plan: `Usage: tsbuildout [options] plan [--all] [--inventory] [PART ...]

What a run would do to each part (install, update, reinstall, uninstall,
unchanged) and why, against .installed.cfg; no install code runs.

Options:
  --all         every part, unchanged ones included
  --inventory   the downloads (md5sums, duplicates), remote extends, shared parts
${USUAL}
${COMMON}`,
  graph: `Usage: tsbuildout [options] graph [--format text|json|dot|mermaid|html] [--output FILE] [PART ...]

The parts, the sections they read and the macros they copy, each edge
labelled with what creates it; PART ...: only what those depend on.
${USUAL}
${COMMON}`,
  why: `Usage: tsbuildout [options] why PART [--all]

The chains of references from [buildout] to a section, shortest first
(--all: every chain).
${USUAL}
${COMMON}`,
  explain: `Usage: tsbuildout [options] explain [SECTION:]OPTION [--depth=N]

The final value, then every step that built it (files, lines, +=, -=,
macros, the command line), and the references it expands, N levels down
(default 3).
${USUAL}
${COMMON}`,
  diff: `Usage: tsbuildout [options] diff [--against REV] [--semantics A --semantics B] [--env ...] [section:option=value ...]

Two variants of the profile side by side, and the plan of a run of B over
an install of A. --against REV: A is the profile at that git revision.
${USUAL}
${COMMON}`,
  master: `Usage: tsbuildout master [--cfg FILE] [--db FILE] [--listen HOST:PORT] [--computer ID]
         [--partitions N] [--root DIR] [--access partition|open] [--max-body BYTES]

Serve the local master over HTTP, as slapos proxy, until interrupted.

Options:
  --cfg FILE            the proxy's configuration file (slapos proxy start --cfg)
  --db FILE             the database (default: the node's, <root>/master.db)
  --listen HOST:PORT    where to listen (default: the node's port, 127.0.0.1)
  --computer ID         the computer requests go to
  --partitions N        at least N partitions on it
  --root DIR            the node whose database and port are used
  --access partition    (default) each partition may call on itself and what it
                        requests only, with the token the node gives it; the
                        administrator's token is in <db>-admin.token (0600)
  --access open         anyone may call on anything, as slapos proxy
  --max-body BYTES      the largest request body (default 10485760)
${EXIT('  0  stopped (SIGINT, SIGTERM)\n  1  an error (a bad configuration, the address in use)')}
${COMMON}`,
  request: `Usage: tsbuildout request NAME SOFTWARE-URL [--type T] [--parameters JSON] [--shared] [--state S]
         [--root DIR | --cfg FILE] [--master-url URL]

Ask the master for an instance on this node's computer; prints its
connection parameters (run tsbuildout node to deploy it).

Options:
  --type T           the software type (default: default)
  --parameters JSON  the instance parameters, a JSON object
  --shared           a shared instance (slave)
  --state S          started (default), stopped or destroyed
  --root DIR         the node (default ./slapos-node, or $TSBUILDOUT_NODE_ROOT)
  --cfg FILE         a node configured by slapos.cfg
  --master-url URL   a remote master (kept in node.json)
${USUAL}
${COMMON}`,
  show: `Usage: tsbuildout show NAME [--root DIR | --cfg FILE] [--master-url URL]

The instance tree of that title as the master knows it: parameters,
connection parameters, state, last error or bang.
${EXIT('  0  shown\n  1  no such instance, or an error')}
${COMMON}`,
  node: `Usage: tsbuildout node [software URL | instance | status | stop] [--root DIR | --cfg FILE]
         [--master-url URL] [--partitions N]

A SlapOS node on this machine. Alone: every software release the master
wants here, then the instances.

Commands:
  software URL [--stub-software] [--stub-bin DIR] [section:option=value ...]
                    install a software release
  instance [--force] [--partition P[,P...]]
                    process the partitions: buildout, supervisord, promises
  status            the partitions, their services and promises (checked now)
  stop              stop supervisord and every service

Options:
  --root DIR        the node (default ./slapos-node, or $TSBUILDOUT_NODE_ROOT)
  --cfg FILE        a node configured by slapos.cfg
  --master-url URL  a remote master (kept in node.json)
  --partitions N    the number of partitions of the local master
  --force           process every partition (instance), every release (node)
${EXIT('  0  done\n  1  an error, or a partition failed (instance)\n  2  only promises failed (instance), as slapgrid')}
${COMMON}`,
};

/** The help of a command, or undefined when it has none. */
export function commandHelp(command: string): string | undefined {
  return COMMAND_HELP[command];
}

import { VERSION as V } from '../version.ts';

export const VERSION = `tsbuildout ${V}`;

export const HELP = `Usage: tsbuildout [options] [assignments] [command [command arguments]]

buildout, as SlapOS uses it, in TypeScript: run, lint and inspect profiles.

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
  init [EGG|PATH ...]        write buildout.cfg (which must not exist; with arguments a py part,
                             zc.recipe.egg, for them), bootstrap, and with arguments install
  setup SCRIPT [ARG ...]     run a setup script (or a directory's setup.py) with the buildout's
                             Python, setuptools imported first (zc.buildout's setup, runsetup)
  annotate [SECTION ...]     the merged configuration with the origin of every value
  query [SECTION:]OPTION     the raw merged value of one option
  master [--db FILE] [--listen HOST:PORT] [--partitions N]
                             serve the local master (SQLite) with the SLAP protocol, as slapos proxy
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

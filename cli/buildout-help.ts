// zc.buildout 2.13's answer to -h/--help and --version (buildout.py _help,
// _version), which tsbuildout gives standing in for its bin/buildout
// (`--semantics buildout2`); tsbuildout's own help follows as a marked line
// (docs/errors.md#buildouts-text-first).

/** buildout.py's _usage, word for word (its trailing spaces included). */
const USAGE_2_13 = `Usage: buildout [options] [assignments] [command [command arguments]]

Options:

  -c config_file

    Specify the path to the buildout configuration file to be used.
    This defaults to the file named "buildout.cfg" in the current
    working directory.

  -D

    Debug errors.  If an error occurs, then the post-mortem debugger
    will be started. This is especially useful for debuging recipe
    problems.

  -h, --help

    Print this message and exit.

  -N

    Run in non-newest mode.  This is equivalent to the assignment
    buildout:newest=false.  With this setting, buildout will not seek
    new distributions if installed distributions satisfy it's
    requirements.

  -q

    Decrease the level of verbosity.  This option can be used multiple times.

  -t socket_timeout

    Specify the socket timeout in seconds.

  -U

    Don't read user defaults.

  -v

    Increase the level of verbosity.  This option can be used multiple times.

  --version

    Print buildout version number and exit.

Assignments are of the form: section:option=value and are used to
provide configuration options that override those given in the
configuration file.  For example, to run the buildout in offline mode,
use buildout:offline=true.

Options and assignments can be interspersed.

Commands:

  install

    Install the parts specified in the buildout configuration.  This is
    the default command if no command is specified.

  bootstrap

    Create a new buildout in the current working directory, copying
    the buildout and setuptools eggs and, creating a basic directory
    structure and a buildout-local buildout script.

  init [requirements]

    Initialize a buildout, creating a minimal buildout.cfg file if it doesn't
    exist and then performing the same actions as for the bootstrap
    command.

    If requirements are supplied, then the generated configuration
    will include an interpreter script that requires them.  This
    provides an easy way to quickly set up a buildout to experiment
    with some packages.

  setup script [setup command and options]

    Run a given setup script arranging that setuptools is in the
    script's path and and that it has been imported so that
    setuptools-provided commands (like bdist_egg) can be used even if
    the setup script doesn't import setuptools.

    The script can be given either as a script path or a path to a
    directory containing a setup.py script.

  annotate

    Display annotated sections. All sections are displayed, sorted
    alphabetically. For each section, all key-value pairs are displayed,
    sorted alphabetically, along with the origin of the value (file name or
    COMPUTED_VALUE, DEFAULT_VALUE, COMMAND_LINE_VALUE).

  query section:key
    
    Display value of given section key pair.
`;

/** zc.buildout's help text in this semantics, or undefined where tsbuildout answers with its own. */
export function buildoutHelp(semantics: string): string | undefined {
  // print_(_usage): the text's own final newline, then print's
  return semantics === 'buildout2' ? `${USAGE_2_13}\n  | tsbuildout's own options and commands: tsbuildout --semantics slapos --help\n` : undefined;
}

/** zc.buildout's --version line in this semantics, tsbuildout's own version marked after it. */
export function buildoutVersionLine(semantics: string, version: string, own: string): string | undefined {
  return semantics === 'buildout2' ? `buildout version ${version}\n  | ${own}\n` : undefined;
}

// slapos.cookbook:cloudooo.test (slapos/recipe/erp5_test CloudoooRecipe):
// two scripts, `run-unit-test` (running `run-unit-test-binary --paster_path
// <ooo-paster> <configuration-file>`) and `run-test-suite` (running
// `run-test-suite-binary`), each with `prepend-path` before PATH and its
// own arguments after. The recipe writes Python scripts calling
// slapos.cookbook's runTestSuite, which a node does not have: these are sh
// doing what it does, the binary run through its `#!` interpreter (what
// runTestSuite does against the shebang size limit). update = install.
import type { RecipeModule } from '../api.ts';
import { createExecutable } from '../lib/files.ts';
import { shellQuote } from '../lib/shlex.ts';

/** A script running `binary args… "$@"` with `prepend` before PATH, through the binary's `#!` interpreter when it has one. */
function testScript(binary: string, args: string[], prepend: string): string {
  const argv = [binary, ...args].map(shellQuote).join(' ');
  return `#!/bin/sh
PATH=${shellQuote(prepend)}\${PATH:+:$PATH}
export PATH
line=$(head -n 1 ${shellQuote(binary)})
case $line in
'#!'*) exec "$(printf '%s' "\${line#??}" | sed 's/^[[:space:]]*//;s/[[:space:]]*$//')" ${argv} "$@" ;;
*) exec ${argv} "$@" ;;
esac
`;
}

export const cloudoooTest: RecipeModule = {
  names: ['slapos.cookbook:cloudooo.test'],
  pureInit: true,
  schema: {
    doc: "Writes the scripts that run cloudooo's unit tests and test suite.",
    options: {
      'prepend-path': { doc: 'directories put before PATH' },
      'ooo-paster': { doc: 'cloudooo_paster' },
      'configuration-file': { doc: "the server's configuration" },
      'run-unit-test': { doc: 'the unit test script written' },
      'run-unit-test-binary': { doc: 'what it runs' },
      'run-test-suite': { doc: 'the test suite script written' },
      'run-test-suite-binary': { doc: 'what it runs' },
    },
    required: ['prepend-path', 'ooo-paster', 'configuration-file', 'run-unit-test', 'run-unit-test-binary', 'run-test-suite', 'run-test-suite-binary'],
    generated: [],
  },
  init({ options }) {
    const o = (k: string) => options.require(k);
    const install = () => [
      createExecutable(o('run-unit-test'), testScript(o('run-unit-test-binary'), ['--paster_path', o('ooo-paster'), o('configuration-file')], o('prepend-path')), 0o755),
      createExecutable(o('run-test-suite'), testScript(o('run-test-suite-binary'), [], o('prepend-path')), 0o755),
    ];
    return { install, update: install };
  },
};

// Host implementations of the Python modules SlapOS templates import
// (`import json_module json` in a jinja2 recipe's context, `six` in its
// globals): json, six, urllib.parse, itertools, functools, operator,
// hashlib, base64, os and os.path, pwd, re.

import type { PyModule } from '../value.ts';

type Modules = Map<string, PyModule>;
let modules: Modules | undefined;

/**
 * The modules, made when a template first imports one: building them loads
 * node:crypto (hashlib) and a hundred Python functions, which most commands
 * (a no-op run, the node) never use. (require(): the bundler initialises
 * these files only then.)
 */
function table(): Modules {
  if (modules) return modules;
  const { jsonModule } = require('../json.ts') as typeof import('../json.ts');
  const { PyModule } = require('../value.ts') as typeof import('../value.ts');
  const { functoolsModule, operatorModule } = require('./functools.ts') as typeof import('./functools.ts');
  const { base64Module, hashlibModule } = require('./hashlib.ts') as typeof import('./hashlib.ts');
  const { itertoolsModule } = require('./itertools.ts') as typeof import('./itertools.ts');
  const { osModule, osPathModule, pwdModule } = require('./os.ts') as typeof import('./os.ts');
  const { reModule } = require('./re.ts') as typeof import('./re.ts');
  const { sixModule } = require('./six.ts') as typeof import('./six.ts');
  const { urllibParseModule } = require('./urllib-parse.ts') as typeof import('./urllib-parse.ts');
  const urllibModule = new PyModule('urllib', { parse: urllibParseModule });
  modules = new Map<string, PyModule>([
    ['json', jsonModule],
    ['six', sixModule],
    ['six.moves', sixModule.pyGetAttr('moves') as PyModule],
    ['six.moves.urllib', (sixModule.pyGetAttr('moves') as PyModule).pyGetAttr('urllib') as PyModule],
    ['six.moves.urllib.parse', urllibParseModule],
    ['urllib', urllibModule],
    ['urllib.parse', urllibParseModule],
    ['itertools', itertoolsModule],
    ['functools', functoolsModule],
    ['operator', operatorModule],
    ['hashlib', hashlibModule],
    ['base64', base64Module],
    ['os', osModule],
    ['os.path', osPathModule],
    ['posixpath', osPathModule],
    ['pwd', pwdModule],
    ['re', reModule],
  ]);
  return modules;
}

/**
 * `__import__(name, fromlist=['*'])`: the module itself for a dotted name,
 * or undefined when there is no host implementation.
 */
export function importModule(name: string): PyModule | undefined {
  return table().get(name);
}

/** The names importModule knows. */
export function knownModules(): string[] {
  return [...table().keys()];
}

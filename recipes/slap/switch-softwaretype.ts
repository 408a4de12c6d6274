// slapos.cookbook:switch-softwaretype (docs/slapos-recipes.md#switch-softwaretype): one option per software
// type, each `section:option` naming the profile of that type (usually a
// jinja2 part's output). Install (= update) runs a sub-buildout in the same
// directory on the profile of the partition's software type (read from the
// section that must be named [slap-configuration]; RootSoftwareInstance
// falls back to `default`), recorded in `.installed-<section>.cfg`, with
// the parent's offline/verbosity/newest/directory/eggs-directory/
// develop-eggs-directory, its whole [slap-connection], and a
// [slap-configuration] whose recipe is switch-softwaretype.noop holding the
// parent's computed options (the child does not ask the master again).
// The sub-buildout runs in this process, without taking the directory lock
// the parent run holds.
import { PyDict, pySplitWhitespace } from '../../python/index.ts';
import { dumps } from '../../profile/values.ts';
import { RecipeError, type RecipeModule } from '../api.ts';
import { NOOP_KEY } from './slapconfiguration.ts';

const INHERITED = ['offline', 'verbosity', 'newest', 'directory', 'eggs-directory', 'develop-eggs-directory'];

/** A value given as a command-line assignment: `${` would be substituted again. */
const literal = (v: string) => v.replaceAll('${', '$${');

export const switchSoftwaretype: RecipeModule = {
  names: ['slapos.cookbook:switch-softwaretype'],
  schema: {
    doc: 'Runs the profile named for the software type (`TYPE = section:option`).',
    options: {
      default: { doc: 'section:option of the profile of the default software type' },
      RootSoftwareInstance: { doc: 'section:option of the profile of the RootSoftwareInstance type (default: default)' },
      override: { doc: 'per software type, a profile extending the selected one' },
    },
    anyOptions: true,
    generated: [],
  },
  init({ name, options, buildout, logger, runBuildout }) {
    const conf = buildout.section('slap-configuration');
    let type = conf.require('slap-software-type');
    if (!options.has(type) && type === 'RootSoftwareInstance') type = 'default';
    const target = options.get(type);
    if (target === undefined) throw new RecipeError(`This software type (${type}) isn't mapped. RootSoftwareInstance is the default software type.`);
    const [section, option] = pySplitWhitespace(target.replace(':', ' '));
    if (!section || !option) throw new RecipeError(`[${name}] ${type} = ${target}: expected section:option`);
    const profile = buildout.section(section).require(option);
    const b = buildout.section('buildout');
    const assignments: { section: string; option: string; value: string }[] = [{ section: 'buildout', option: 'installed', value: `.installed-${name}.cfg` }];
    for (const k of INHERITED) {
      const v = b.get(k);
      if (v !== undefined) assignments.push({ section: 'buildout', option: k, value: literal(v) });
    }
    if (buildout.hasSection('slap-connection')) {
      const sc = buildout.section('slap-connection');
      for (const k of sc.keys()) assignments.push({ section: 'slap-connection', option: k, value: literal(sc.get(k) ?? '') });
    }
    const computed = new PyDict();
    for (const k of conf.keys()) if (k !== 'recipe' && !k.startsWith('_')) computed.set(k, conf.typed(k) ?? '');
    assignments.push({ section: 'slap-configuration', option: 'recipe', value: 'slapos.cookbook:switch-softwaretype.noop' });
    assignments.push({ section: 'slap-configuration', option: NOOP_KEY, value: literal(dumps(computed)) });
    const executable = b.get('executable') || 'python3';
    const install = async () => {
      if (!runBuildout) throw new RecipeError(`[${name}] switch-softwaretype runs a buildout, which only a run of the profile can do`);
      await runBuildout({ config: profile, cwd: buildout.directory, semantics: buildout.semantics.mode, assignments, executable, logger, stubSoftware: buildout.stubSoftware });
      return [];
    };
    return { install, update: install };
  },
};

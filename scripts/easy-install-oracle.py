"""Debian's zc.buildout 2.13 easy_install, for test/recipes/egg*.test.ts
to compare tsbuildout's egg installer with.

    /usr/bin/python3 easy-install-oracle.py scripts OPTIONS.JSON
        the scripts zc.recipe.egg's Scripts.install writes for installed
        eggs: easy_install.working_set over develop-eggs-directory and
        eggs-directory, sorted as Eggs._sort_working_set (develop eggs, then
        eggs-directory's, then the others), then easy_install.scripts();
        prints the files generated
    /usr/bin/python3 easy-install-oracle.py install OPTIONS.JSON
        easy_install.install() with the Installer's settings (versions,
        prefer-final, allow-picked-versions, download cache,
        install-from-cache); prints the working set's locations (base
        names) or the UserError's text
"""
import collections
import collections.abc
import json
import os
import sys

# zc.buildout 2.13 imports these from `collections`, gone in Python 3.10
for _n in ('MutableMapping', 'Mapping', 'Callable', 'Sequence', 'MutableSet',
           'Iterable', 'Set', 'Hashable'):
    if not hasattr(collections, _n):
        setattr(collections, _n, getattr(collections.abc, _n))

import glob  # noqa: E402
import pkg_resources  # noqa: E402
import zc.buildout  # noqa: E402
import zc.buildout.easy_install as ei  # noqa: E402

with open(sys.argv[2]) as f:
    o = json.load(f)

def install(o):
    ei.clear_index_cache()
    ei.Installer._picked_versions = {}
    ei.default_versions(o.get('versions', {}))
    ei.prefer_final(o.get('preferFinal', True))
    ei.allow_picked_versions(o.get('allowPicked', True))
    ei.download_cache(o.get('downloadCache'))
    ei.install_from_cache(o.get('installFromCache', False))
    try:
        ws = ei.install(o['specs'], o.get('dest'), links=o.get('links', []),
                        index=o.get('index'), path=o.get('path', []),
                        newest=o.get('newest', True))
        return {'ws': [os.path.basename(d.location) for d in ws]}
    except zc.buildout.UserError as e:
        return {'error': str(e)}


if sys.argv[1] == 'install':  # a list of scenarios
    json.dump([install(x) for x in o], sys.stdout)
    sys.exit(0)

ws = ei.working_set(o['eggs'], sys.executable, [o['develop'], o['eggsDir']])
develop = set()
for link in glob.glob(os.path.join(o['develop'], '*.egg-link')):
    with open(link) as f:
        p = f.readline().strip()
        if p:
            develop.add(p)
eggs_dir = os.path.join(o['eggsDir'], '')
first, eggs, other = [], [], []
for dist in ws:
    p = dist.location
    if p in develop:
        first.append(p)
    elif os.path.commonprefix([p, eggs_dir]) == eggs_dir:
        eggs.append(p)
    else:
        other.append(p)
ws = pkg_resources.WorkingSet(first + eggs + other)
reqs = list(o['eggs']) + [tuple(e) for e in o.get('entryPoints', [])]
if o.get('dependentScripts'):
    for dist in ws:
        if dist.project_name != 'setuptools' and dist.project_name not in reqs:
            reqs.append(dist.project_name)
generated = ei.scripts(
    reqs, ws, sys.executable, o['bin'],
    scripts=o.get('scripts'),
    extra_paths=o.get('extraPaths', []),
    interpreter=o.get('interpreter'),
    initialization=o.get('initialization', ''),
    arguments=o.get('arguments', ''),
    relative_paths=o.get('relativePaths', ''),
)
json.dump(generated, sys.stdout)

"""The scripts Debian's zc.buildout 2.13 writes for installed eggs, as
zc.recipe.egg's Scripts.install calls it: easy_install.working_set over
develop-eggs-directory and eggs-directory, sorted as Eggs._sort_working_set
(develop eggs, then eggs-directory's, then the others), then
easy_install.scripts(). test/recipes/egg.test.ts compares tsbuildout's
scripts with these byte for byte.

    /usr/bin/python3 easy-install-scripts.py OPTIONS.JSON
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
import zc.buildout.easy_install as ei  # noqa: E402

with open(sys.argv[1]) as f:
    o = json.load(f)

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

"""tsbuildout's hands in the buildout's Python for installing eggs
(recipes/lib/eggs/build.ts): what zc.buildout 2.13's easy_install.py does
with setuptools. Standard library and setuptools only.

    probe                      -> JSON: the interpreter's facts
    build KIND SOURCE DEST [BUILD_EXT_JSON]
        sdist: unpack, setup.py bdist_egg (what `easy_install -mZUNxd`
               did before setuptools dropped its main), the egg unpacked
               into DEST as `name-version-pyX.Y[-platform].egg`
        wheel: setuptools.wheel.Wheel.install_as_egg (easy_install.unpack_wheel)
        egg:   a zipped egg unpacked (easy_install.unpack_egg)
"""
import glob
import json
import os
import subprocess
import sys
import tempfile


def probe():
    import pkg_resources
    try:
        from setuptools.extern.packaging.tags import sys_tags
    except ImportError:  # pragma: no cover
        from packaging.tags import sys_tags
    import setuptools
    site = os.path.dirname(os.path.dirname(os.path.abspath(setuptools.__file__)))
    dists = []
    env = pkg_resources.Environment([site])
    for key in env:
        for d in env[key]:
            meta = getattr(d, 'egg_info', None)
            try:
                requires = [str(r) for r in d.requires()]
            except Exception:
                requires = []
            dists.append(dict(projectName=d.project_name, version=d.version,
                              location=d.location, requires=requires,
                              **({'metadata': meta} if meta else {})))
    json.dump(dict(pyMajor=pkg_resources.PY_MAJOR,
                   platform=pkg_resources.get_build_platform(),
                   tags=[str(t) for t in sys_tags()], siteDir=site,
                   site=dists), sys.stdout)


RUNSETUP = '''\
import sys
sys.path.insert(0, %(setupdir)r)
import os, setuptools
__file__ = %(setup)r
os.chdir(%(setupdir)r)
sys.argv[0] = %(setup)r
with open(%(setup)r) as f:
    exec(compile(f.read(), %(setup)r, 'exec'))
'''


def unpack_egg(location, dest):
    import setuptools.archive_util
    setuptools.archive_util.unpack_archive(
        location, os.path.join(dest, os.path.basename(location)))


def unpack_wheel(location, dest):
    from setuptools.wheel import Wheel
    wheel = Wheel(location)
    wheel.install_as_egg(os.path.join(dest, wheel.egg_name()))


def build_sdist(location, dest, build_ext):
    import setuptools.archive_util
    import setuptools.command.setopt
    tmp = tempfile.mkdtemp('build')
    try:
        if os.path.isdir(location):
            base = location
        else:
            setuptools.archive_util.unpack_archive(location, tmp)
            if os.path.exists(os.path.join(tmp, 'setup.py')) or os.path.exists(os.path.join(tmp, 'pyproject.toml')):
                base = tmp
            else:
                setups = (glob.glob(os.path.join(tmp, '*', 'setup.py')) or
                          glob.glob(os.path.join(tmp, '*', 'pyproject.toml')))
                if not setups:
                    sys.exit("Couldn't find a setup script in %s" % os.path.basename(location))
                if len(setups) > 1:
                    sys.exit("Multiple setup scripts in %s" % os.path.basename(location))
                base = os.path.dirname(setups[0])
        if build_ext:
            setup_cfg = os.path.join(base, 'setup.cfg')
            if not os.path.exists(setup_cfg):
                open(setup_cfg, 'w').close()
            setuptools.command.setopt.edit_config(setup_cfg, dict(build_ext=build_ext))
        out = os.path.join(tmp, '.dist')
        os.mkdir(out)
        setup = os.path.join(base, 'setup.py')
        if os.path.exists(setup):
            script = os.path.join(tmp, '.runsetup.py')
            with open(script, 'w') as f:
                f.write(RUNSETUP % dict(setupdir=base, setup=setup))
            args = [sys.executable, script, '-q', 'bdist_egg', '--dist-dir', out]
        else:  # a pyproject.toml only: pip builds a wheel
            args = [sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps',
                    '--no-build-isolation', '-w', out, base]
        sys.stdout.flush()
        if subprocess.call(args, stdout=sys.stderr) != 0:
            sys.exit(1)
        [built] = os.listdir(out)
        built = os.path.join(out, built)
        if built.endswith('.whl'):
            unpack_wheel(built, dest)
        else:
            unpack_egg(built, dest)
        import compileall
        compileall.compile_dir(dest, quiet=2)
    finally:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if sys.argv[1] == 'probe':
        return probe()
    kind, source, dest = sys.argv[2:5]
    build_ext = json.loads(sys.argv[5]) if len(sys.argv) > 5 else None
    if kind == 'wheel':
        unpack_wheel(source, dest)
    elif kind == 'egg':
        unpack_egg(source, dest)
    else:
        build_sdist(source, dest, build_ext)


main()

# tsbuildout as the buildout of the real slapgrid: name this file in
# slapos.cfg (`[slapos] buildout = /path/to/tsbuildout/bin/slapgrid-buildout.py`).
#
# slapgrid bootstraps a software release or a partition with
# `python3 -S THIS-FILE ARGS bootstrap` (slapos/grid/utils.py
# bootstrapBuildout), as the owner of the directory and with a cleaned
# environment. This runs tsbuildout (bin/tsbuildout.js beside this file) on
# Node.js with the same arguments, telling it to name the interpreter running
# this file in the bin/buildout it writes: slapgrid runs bin/buildout, and
# the partitions' promise plugins, with that interpreter.
#
# Standard library only, any Python 3. Node.js is $TSBUILDOUT_NODE, else the
# first `node` on PATH that this user may run.
import os
import sys


def find_node():
    explicit = os.environ.get('TSBUILDOUT_NODE')
    if explicit:
        return explicit
    for directory in os.environ.get('PATH', os.defpath).split(os.pathsep):
        candidate = os.path.join(directory or os.curdir, 'node')
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def fail(message):
    sys.stderr.write('Error: %s\n' % message)
    sys.exit(1)


def main():
    script = os.path.join(os.path.dirname(os.path.realpath(__file__)), 'tsbuildout.js')
    user = os.getuid()
    if not os.access(script, os.R_OK):
        fail('%s is not readable by uid %d: slapgrid runs buildout as the owner of each'
             ' software release and partition, so tsbuildout must be installed where'
             ' they can read it' % (script, user))
    node = find_node()
    if node is None:
        fail('no Node.js (node) on PATH that uid %d may run (PATH=%s); set TSBUILDOUT_NODE'
             % (user, os.environ.get('PATH', '')))
    if not sys.executable:
        fail('this Python does not know its own path (sys.executable is empty)')
    argv = [node, script, '--python', sys.executable] + sys.argv[1:]
    try:
        os.execv(node, argv)
    except OSError as e:
        fail('cannot run %s: %s' % (node, e))


if __name__ == '__main__':
    main()

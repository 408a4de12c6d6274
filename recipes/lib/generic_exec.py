# The body of the wrapper tsbuildout writes where slapos.cookbook writes a
# console script calling slapos.recipe.librecipe.execute.generic_exec
# (docs/slapos-recipes.md#wrapper-scripts): the same behaviour, standard
# library only (a node has neither slapos.cookbook nor psutil and
# inotify_simple), Python >= 3.5. The generated script appends the call.
import atexit
import errno
import os
import select
import signal
import struct
import subprocess
import sys
import time


def parse_signal(name):
    # 'USR1' or 'RTMIN+1'; anything else (None too) is an invalid value
    try:
        base, plus, offset = name.partition('+')
        offset = int(offset) if plus else 0
        if base[0] != '_':
            return getattr(signal, 'SIG' + base) + offset
    except Exception:
        raise ValueError('invalid signal value: %s' % name)


def _libc():
    import ctypes
    import ctypes.util
    return ctypes, ctypes.CDLL(ctypes.util.find_library('c'), use_errno=True)


def _check(ctypes, result):
    if result < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return result


IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200


def wait_for_files(paths):
    # existence per directory, checked before watching so no event is missed
    directories = {}

    def look():
        for path in paths:
            d, n = os.path.split(path)
            directories.setdefault(d, {})[n] = os.path.lexists(path)

    def complete():
        return all(all(names.values()) for names in directories.values())

    look()
    ctypes, libc = _libc()
    fd = _check(ctypes, libc.inotify_init1(0))
    try:
        try:
            watched = {}
            for d in directories:
                wd = libc.inotify_add_watch(fd, os.fsencode(d), IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM)
                watched[_check(ctypes, wd)] = d
        except OSError as e:
            if e.errno not in (errno.ENOSPC, errno.EMFILE):
                raise
            print('Error using inotify, falling back to polling')
            while not complete():
                time.sleep(0.1)
                look()
            return
        while not complete():
            data = os.read(fd, 65536)
            at = 0
            while at < len(data):
                wd, mask, _, size = struct.unpack_from('iIII', data, at)
                name = os.fsdecode(data[at + 16:at + 16 + size].rstrip(b'\0'))
                at += 16 + size
                names = directories[watched[wd]]
                if name in names:
                    names[name] = bool(mask & (IN_CREATE | IN_MOVED_TO))
    finally:
        os.close(fd)


def _cmdline(pid):
    # as psutil.Process(pid).cmdline() on Linux
    with open('/proc/%d/cmdline' % pid, 'rb') as f:
        data = f.read().decode('utf-8', 'surrogateescape')
    if data.endswith('\0'):
        data = data[:-1]
    return data.split('\0') if '\0' in data or not data else data.split(' ')


def _private_tmpfs(mounts):
    # a user and mount namespace where this user is itself, and a tmpfs per line
    ctypes, libc = _libc()
    CLONE_NEWNS, CLONE_NEWUSER = 0x00020000, 0x10000000
    uid, gid = os.getuid(), os.getgid()
    _check(ctypes, libc.unshare(CLONE_NEWUSER | CLONE_NEWNS))
    for name, text in (('setgroups', 'deny'), ('uid_map', '%d %d 1' % (uid, uid)), ('gid_map', '%d %d 1' % (gid, gid))):
        with open('/proc/self/' + name, 'w') as f:
            f.write(text)
    libc.mount.argtypes = ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p
    for size, path in mounts:
        try:
            os.mkdir(path)
        except OSError as e:
            if e.errno != errno.EEXIST:
                raise
        _check(ctypes, libc.mount(b'tmpfs', os.fsencode(path), b'tmpfs', 0, ('size=' + size).encode()))


def generic_exec(args, extra_environ=None, wait_list=None, pidfile=None, reserve_cpu=False,
                 private_tmpfs=(), sig_ign=None, redirect=None):
    args = list(args)
    if redirect and not sig_ign:
        sig_ign = 'USR1'
    if sig_ign:
        # ignored from here until the command sets its own handler
        sig_ign = parse_signal(sig_ign)
        signal.signal(sig_ign, signal.SIG_IGN)
    if pidfile:
        try:
            with open(pidfile) as f:
                pid = int(f.read())
            running = _cmdline(pid)
        except Exception:
            pass
        else:
            # chained shebangs may put interpreters before the arguments
            n = len(args)
            for i in range(1 + len(running) - n):
                if running[i:i + n] == args:
                    return 'Already running with pid %s.' % pid

        @atexit.register
        def _():
            try:
                os.unlink(pidfile)
            except OSError as e:
                if e.errno != errno.ENOENT:
                    raise
        with open(pidfile, 'w') as f:
            f.write(str(os.getpid()))
    args += sys.argv[1:]
    if reserve_cpu:
        with open(os.path.expanduser('~/.slapos-cpu-exclusive'), 'a') as f:
            f.write('%s\n' % os.getpid())
    if wait_list:
        wait_for_files(wait_list)
    env = None
    if extra_environ:
        env = dict(os.environ)
        env.update(extra_environ)
    if not redirect:
        if private_tmpfs:
            _private_tmpfs(private_tmpfs)
        if env is None:
            os.execv(args[0], args)
        os.execve(args[0], args, env)

    # redirect: the command writes to pipes copied to the files, reopened on
    # sig_ign (log rotation), which also forwards the redirect signal
    forward, stdout, stderr = redirect
    forward = parse_signal(forward)
    wake_r, wake_w = os.pipe()
    sources = [wake_r]
    logs = []
    dups = []

    def pipe_to(fd, path):
        r, w = os.pipe()
        if w != fd:
            dups.append((w, fd))
        logs.append([path, w])
        sources.append(r)

    if stdout:
        pipe_to(1, stdout)
    if stderr:
        if stderr == stdout:
            dups.append((1, 2))
        else:
            pipe_to(2, stderr)

    def child_setup():
        if private_tmpfs:
            _private_tmpfs(private_tmpfs)
        if forward != sig_ign:
            signal.signal(sig_ign, signal.SIG_DFL)
            signal.signal(forward, signal.SIG_IGN)
        for a, b in dups:
            os.dup2(a, b)

    def reopen():
        for log in logs:
            os.close(log[1])
            log[1] = os.open(log[0], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)

    process = subprocess.Popen(args, preexec_fn=child_setup, env=env, close_fds=True)

    def on_signal(*_):
        if forward:
            process.send_signal(forward)
        os.write(wake_w, b'\0')

    signal.signal(sig_ign, on_signal)
    reopen()
    while True:
        for r in select.select(sources, (), ())[0]:
            data = os.read(r, 1024)
            i = sources.index(r) - 1
            if i < 0:
                reopen()
            elif data:
                os.write(logs[i][1], data)
            else:
                os.close(logs.pop(i)[1])
                os.close(sources.pop(i + 1))
                if not logs:
                    signal.signal(sig_ign, signal.SIG_IGN)
                    return process.wait()

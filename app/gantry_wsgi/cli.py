# Worker entry point: parses the launch arguments (protocol/WORKER.md), sets up fds 0/3/4,
# loads the app, binds, says "ready" on fd 3 and serves. Boot failures exit 3 or 4.
# Imports only what every boot needs: each stdlib module stays in the worker's RSS for its whole
# life (argparse alone, with gettext and shutil, was ~2 MB).
import faulthandler
import os
import select
import stat
import sys

from .control import (BootError, Control, CONTROL_FD, ERR_WORKER_BOOT, FAULT_FD, fd_is_open,
                      report_boot_error)
from . import stdio
from .lowlevel import SocketType, signals, sockets, start_thread

USAGE = ('usage: gantry_worker.py --app MODULE[:CALLABLE|:factory(args)] --listen unix:PATH|HOST:PORT\n'
         '                        [--chdir DIR] [--pythonpath DIR]... [--threads N] [--worker-id K]\n'
         '                        [--script-name /prefix] [--max-requests N] [--request-stdout]\n')


def _positive(text):
    n = int(text)
    if n < 1:
        raise ValueError(text)
    return n


def _non_negative(text):
    n = int(text)
    if n < 0:
        raise ValueError(text)
    return n


_positive.__name__ = 'positive integer'
_non_negative.__name__ = 'non-negative integer'

# option -> (attribute, converter, repeatable); converter None: a flag, no value
_OPTIONS = {
    '--app': ('app', str, False),
    '--listen': ('listen', str, False),
    '--chdir': ('chdir', str, False),
    '--pythonpath': ('pythonpath', str, True),
    '--threads': ('threads', _positive, False),
    '--worker-id': ('worker_id', str, False),
    '--script-name': ('script_name', str, False),
    '--max-requests': ('max_requests', _non_negative, False),
    '--request-stdout': ('request_stdout', None, False),
}


class Args(object):
    def __init__(self):
        self.app = None
        self.listen = None
        self.chdir = None
        self.pythonpath = []
        self.threads = 1
        self.worker_id = None
        self.script_name = ''
        self.max_requests = 0
        # sys.stdout written during a request goes to that request (GANTRY_STDOUT records), not fd 1.
        self.request_stdout = False


def _bad(message):
    raise BootError(ERR_WORKER_BOOT, 'bad arguments: %s' % message)


def parse_args(argv):
    """`--opt value` or `--opt=value`, as the gateway passes them (protocol/WORKER.md)."""
    args = Args()
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg in ('-h', '--help'):
            sys.stdout.write(USAGE)
            sys.stdout.flush()
            os._exit(0)
        name, eq, value = arg.partition('=')
        spec = _OPTIONS.get(name) if name.startswith('--') else None
        if spec is None:
            _bad('unrecognized arguments: %s' % arg)
        attr, convert, repeat = spec
        if convert is None:
            if eq:
                _bad('argument %s: ignored explicit argument %r' % (name, value))
            setattr(args, attr, True)
            continue
        if not eq:
            if i >= len(argv) or (argv[i].startswith('-') and argv[i] != '-'):
                _bad('argument %s: expected one argument' % name)
            value = argv[i]
            i += 1
        try:
            value = convert(value)
        except ValueError:
            _bad('argument %s: invalid %s value: %r' % (name, convert.__name__, value))
        if repeat:
            getattr(args, attr).append(value)
        else:
            setattr(args, attr, value)
    missing = [o for o in ('--app', '--listen') if getattr(args, o[2:]) is None]
    if missing:
        _bad('the following arguments are required: %s' % ', '.join(missing))
    sn = args.script_name.rstrip('/')
    if sn and not sn.startswith('/'):
        raise BootError(ERR_WORKER_BOOT, 'bad --script-name %r: must start with "/"' % (args.script_name,))
    args.script_name = sn
    return args


def _watch_stdin():
    # EOF on fd 0 means the gateway is gone: leave at once so no worker outlives it.
    while True:
        try:
            if not os.read(0, 65536):
                break
        except BlockingIOError:
            select.select([0], [], [])
        except InterruptedError:
            continue
        except OSError:
            return  # not something we can watch after all
    if os.getpgrp() == os.getpid():
        # Our own process group (the gateway starts us so): take whatever the app forked along, this
        # process included; nothing is left to report to.
        try:
            os.killpg(os.getpid(), signals.SIGKILL)
        except OSError:
            pass
    os._exit(0)


def _stdin_is_lifeline():
    """A pipe/FIFO, or a connected socket (node's default 'pipe' stdio is a socketpair). Not a tty
    (run by hand) and not a listening socket (spawn-fcgi puts the FastCGI listener on fd 0)."""
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return False
    if stat.S_ISFIFO(mode):
        return True
    if stat.S_ISSOCK(mode):
        try:
            s = SocketType(fileno=os.dup(0))
        except OSError:
            return False
        try:
            return not s.getsockopt(sockets.SOL_SOCKET, sockets.SO_ACCEPTCONN)
        except OSError:
            return False
        finally:
            s.close()
    return False


def _setup_fds():
    control = Control(CONTROL_FD if fd_is_open(CONTROL_FD) else None)
    if fd_is_open(FAULT_FD) and hasattr(signals, 'SIGUSR2'):
        # SIGUSR2 dumps every thread's stack to fd 4 (the gateway's timeout diagnostics).
        faulthandler.register(signals.SIGUSR2, file=FAULT_FD, all_threads=True)
        # A fatal signal (a C extension's segfault, abort()) leaves the Python stacks there too: the
        # gateway shows them with the worker's exit instead of a bare "exited with SIGSEGV".
        faulthandler.enable(file=FAULT_FD, all_threads=True)
    if _stdin_is_lifeline():
        start_thread(_watch_stdin)
    return control


def _stop_during_boot(signum, frame):
    # Asked to stop before serving anything: nothing to drain, and no KeyboardInterrupt traceback
    # out of the user's import.
    os._exit(0)


def main(argv):
    # fds 3 and 4 must be probed before anything here opens a file or socket that could take them.
    control = _setup_fds()
    signals.signal(signals.SIGTERM, _stop_during_boot)
    signals.signal(signals.SIGINT, _stop_during_boot)
    try:
        args = parse_args(argv)
        if args.chdir:
            try:
                os.chdir(args.chdir)
            except OSError as e:
                raise BootError(ERR_WORKER_BOOT, 'cannot --chdir %s: %s' % (args.chdir, e))
        front = [os.path.abspath(p) for p in args.pythonpath] + [os.getcwd()]
        for path in reversed(front):
            if path in sys.path:
                sys.path.remove(path)
            sys.path.insert(0, path)
        stdio.install(args.request_stdout, args.threads)
        from .server import Server, bind
        listener = bind(args.listen)
        from .loader import load_app
        try:
            app = load_app(args.app)
        except BootError:
            listener.close()
            if args.listen.startswith('unix:'):
                try:
                    os.unlink(args.listen[5:])
                except OSError:
                    pass
            raise
    except BootError as err:
        report_boot_error(control, err)
        sys.stdout.flush()
        # What the import wrote to fds 1 and 2 before failing (a C extension's last words) may still be in
        # the worker's pipes: passed on before leaving.
        stdio.stop_fd_capture()
        os._exit(err.exit_status)

    server = Server(app, listener, args.listen, args.threads, args.script_name, args.max_requests, control)

    def ready():
        control.send({'type': 'ready', 'pid': os.getpid(), 'python': sys.version.split()[0],
                      'executable': sys.executable, 'threads': args.threads, 'listen': args.listen,
                      'workerId': args.worker_id})
        if control.fd is None:
            sys.__stderr__.write('[gantry worker pid %d] serving %s on %s\n' % (os.getpid(), args.app, args.listen))
            sys.__stderr__.flush()

    server.serve_forever(ready)

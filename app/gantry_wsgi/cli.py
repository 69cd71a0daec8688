# Worker entry point: parses the launch arguments (protocol/WORKER.md), sets up fds 0/3/4,
# loads the app, binds, says "ready" on fd 3 and serves. Boot failures exit 3 or 4.
import argparse
import faulthandler
import os
import platform
import select
import signal
import socket
import stat
import sys
import threading

from .control import (BootError, Control, CONTROL_FD, ERR_WORKER_BOOT, FAULT_FD, fd_is_open,
                      report_boot_error)


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        raise BootError(ERR_WORKER_BOOT, 'bad arguments: %s' % message)


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


def parse_args(argv):
    p = _ArgumentParser(prog='gantry_worker.py', description='Gantry FastCGI worker for one WSGI app.')
    p.add_argument('--app', required=True, help='MODULE, MODULE:CALLABLE or MODULE:factory(args)')
    p.add_argument('--listen', required=True, help='unix:PATH or HOST:PORT')
    p.add_argument('--chdir', help='change to this directory before importing the app')
    p.add_argument('--pythonpath', action='append', default=[], help='put DIR first on sys.path (repeatable)')
    p.add_argument('--threads', type=_positive, default=1, help='requests run at once (default 1: inline)')
    p.add_argument('--worker-id', default=None, help='label for logs')
    p.add_argument('--script-name', default='', help='mount prefix (SCRIPT_NAME)')
    p.add_argument('--max-requests', type=_non_negative, default=0, help='exit 0 after N requests (0: never)')
    args = p.parse_args(argv)
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
            s = socket.socket(fileno=os.dup(0))
        except OSError:
            return False
        try:
            return not s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
        except OSError:
            return False
        finally:
            s.close()
    return False


def _setup_fds():
    control = Control(CONTROL_FD if fd_is_open(CONTROL_FD) else None)
    fault_file = None
    if fd_is_open(FAULT_FD):
        fault_file = open(FAULT_FD, 'w', closefd=False)
        if hasattr(signal, 'SIGUSR2'):
            faulthandler.register(signal.SIGUSR2, file=fault_file, all_threads=True)
    if _stdin_is_lifeline():
        t = threading.Thread(target=_watch_stdin, name='gantry-stdin-watch')
        t.daemon = True
        t.start()
    return control, fault_file


def _stop_during_boot(signum, frame):
    # Asked to stop before serving anything: nothing to drain, and no KeyboardInterrupt traceback
    # out of the user's import.
    os._exit(0)


def main(argv):
    # fds 3 and 4 must be probed before anything here opens a file or socket that could take them.
    control, fault_file = _setup_fds()
    signal.signal(signal.SIGTERM, _stop_during_boot)
    signal.signal(signal.SIGINT, _stop_during_boot)
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
        from . import stdio
        stdio.install()
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
        os._exit(err.exit_status)

    server = Server(app, listener, args.listen, args.threads, args.script_name, args.max_requests, control)

    def ready():
        control.send({'type': 'ready', 'pid': os.getpid(), 'python': platform.python_version(),
                      'executable': sys.executable, 'threads': args.threads, 'listen': args.listen,
                      'workerId': args.worker_id})
        if control.fd is None:
            sys.__stderr__.write('[gantry worker pid %d] serving %s on %s\n' % (os.getpid(), args.app, args.listen))
            sys.__stderr__.flush()

    server.serve_forever(ready)

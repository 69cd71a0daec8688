# The listening side: binds unix:PATH or HOST:PORT, accepts gateway connections (one reader thread
# each), runs requests inline or on a thread pool, and stops gracefully on SIGTERM/SIGINT/max-requests.
import os
import select
import stat
import sys

from . import profiling, stdio
from .connection import Connection
from .control import BootError, ERR_WORKER_BOOT
from .environ import make_base
from .lowlevel import SIGNAL_NAMES, Condition, Lock, SocketType, accept, signals, sockets, start_thread
from .request import FileWrapper


def bind(listen):
    """Bind and listen; raises BootError (exit 3) on a bad address or a failed bind."""
    try:
        if listen.startswith('unix:'):
            path = listen[5:]
            if not path:
                raise BootError(ERR_WORKER_BOOT, 'bad --listen %r: empty socket path' % (listen,))
            try:
                if stat.S_ISSOCK(os.stat(path).st_mode):
                    os.unlink(path)  # stale socket from a previous worker
            except FileNotFoundError:
                pass
            sock = SocketType(sockets.AF_UNIX, sockets.SOCK_STREAM)
            sock.bind(path)
        else:
            host, sep, port = listen.rpartition(':')
            if not sep or not port.isdigit() or int(port) > 65535:
                raise BootError(ERR_WORKER_BOOT, 'bad --listen %r: expected unix:PATH or HOST:PORT' % (listen,))
            host = host.strip('[]') or '127.0.0.1'
            info = sockets.getaddrinfo(host, int(port), 0, sockets.SOCK_STREAM, 0, sockets.AI_PASSIVE)[0]
            sock = SocketType(info[0], sockets.SOCK_STREAM)
            sock.setsockopt(sockets.SOL_SOCKET, sockets.SO_REUSEADDR, 1)
            sock.bind(info[4])
        sock.listen(1024)
        return sock
    except BootError:
        raise
    except (OSError, ValueError, OverflowError) as e:
        raise BootError(ERR_WORKER_BOOT, 'cannot listen on %s: %s' % (listen, e))


def _readable_waiter(fds):
    """A function that blocks until some of fds are readable and returns those."""
    if hasattr(select, 'poll'):
        poller = select.poll()
        for fd in fds:
            poller.register(fd, select.POLLIN)
        return lambda: [fd for fd, _ in poller.poll()]
    return lambda: select.select(fds, [], [])[0]


class Server(object):
    def __init__(self, app, listener, listen, threads, script_name, max_requests, control):
        self.app = app
        self.listener = listener
        self.listen = listen
        self.threads = threads
        self.script_name = script_name
        self.max_requests = max_requests
        self.control = control
        self.base = make_base(threads > 1, script_name, FileWrapper)
        self.fcgi_values = {
            # Connections are not limited (each costs a thread and a 256 KiB buffer).
            'FCGI_MAX_CONNS': str(max(64, threads * 4)),
            'FCGI_MAX_REQS': str(threads),
            'FCGI_MPXS_CONNS': '1' if threads > 1 else '0',
        }
        self.inline_lock = Lock()
        self.lock = Lock()
        self.cond = Condition(self.lock)
        self.active = 0
        self.served = 0
        self.stopping = False
        self.stop_reason = None
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._queue = None
        self.watcher = None
        self.busy = 0  # threaded: requests running, inline or on the pool (never above threads)
        self.slot_lock = Lock()
        self.slot_free = Condition(self.slot_lock)
        self.slot_waiters = 0
        if threads > 1:
            from . import watcher
            if watcher.available():
                self.watcher = watcher.Watcher()
            try:
                from _queue import SimpleQueue  # the C queue under queue.SimpleQueue
            except ImportError:  # pragma: no cover
                from queue import SimpleQueue
            self._queue = SimpleQueue()
            for i in range(threads):
                start_thread(profiling.wrap(self._pool_loop))

    # --- request accounting ---
    def begin(self):
        with self.lock:
            self.active += 1

    def end(self, ran):
        with self.lock:
            self.active -= 1
            if ran:
                self.served += 1
                if self.max_requests and self.served >= self.max_requests and not self.stopping:
                    self._stop_locked('max-requests')
            if self.stopping and not self.active:
                self.cond.notify_all()

    def try_claim(self):
        with self.slot_lock:
            if self.busy < self.threads:
                self.busy += 1
                return True
            return False

    def claim(self):
        with self.slot_lock:
            while self.busy >= self.threads:
                self.slot_waiters += 1
                try:
                    self.slot_free.wait()
                finally:
                    self.slot_waiters -= 1
            self.busy += 1

    def unclaim(self):
        with self.slot_lock:
            self.busy -= 1
            if self.slot_waiters:
                self.slot_free.notify()

    def submit(self, req):
        self._queue.put(req)

    def _pool_loop(self):
        get = self._queue.get
        app = self.app
        while True:
            req = get()
            self.claim()
            try:
                req.run(app, self)
            except BaseException:
                # run() handles app errors; anything reaching here is a worker bug: keep the
                # thread, say what happened.
                import traceback
                traceback.print_exc(file=sys.__stderr__)
            finally:
                self.unclaim()

    # --- stopping ---
    def request_stop(self, reason):
        with self.cond:
            self._stop_locked(reason)

    def _stop_locked(self, reason):
        if not self.stopping:
            self.stopping = True
            self.stop_reason = reason
        try:
            os.write(self._wake_w, b'x')
        except OSError:
            pass

    def _on_signal(self, signum, frame):
        # Only record it; the accept loop acts (a handler must not block on the request lock).
        self.stop_reason = self.stop_reason or SIGNAL_NAMES.get(signum, 'signal %d' % signum)
        self.stopping = True
        try:
            os.write(self._wake_w, b'x')
        except OSError:
            pass

    def serve_forever(self, on_ready):
        signals.signal(signals.SIGTERM, self._on_signal)
        signals.signal(signals.SIGINT, self._on_signal)
        # Any thread may take a signal sent to the process; Python then only flags it for the main
        # thread, which would sleep on in poll() (a stop that hung until the next connection). The
        # wakeup fd wakes it whichever thread took the signal.
        signals.set_wakeup_fd(self._wake_w)
        listener = self.listener
        listener.setblocking(False)
        lfd = listener.fileno()
        wait = _readable_waiter((lfd, self._wake_r))
        on_ready()
        is_tcp = listener.family in (sockets.AF_INET, getattr(sockets, 'AF_INET6', None))
        while not self.stopping:
            for fd in wait():
                if fd == lfd:
                    while True:
                        try:
                            sock, _ = accept(listener)
                        except (BlockingIOError, InterruptedError):
                            break
                        except OSError:
                            break
                        sock.setblocking(True)
                        if is_tcp:
                            sock.setsockopt(sockets.IPPROTO_TCP, sockets.TCP_NODELAY, 1)
                        start_thread(profiling.wrap(Connection(sock, self).serve))
                else:
                    try:
                        os.read(self._wake_r, 512)
                    except OSError:
                        pass
        self._drain_and_exit()

    def _drain_and_exit(self):
        self.listener.close()
        if self.listen.startswith('unix:'):
            try:
                os.unlink(self.listen[5:])
            except OSError:
                pass
        self.control.send({'type': 'stopping', 'reason': self.stop_reason or 'stop', 'pid': os.getpid()})
        with self.cond:
            while self.active:
                self.cond.wait()
        profiling.dump()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        stdio.stop_fd_capture()
        os._exit(0)

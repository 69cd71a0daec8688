# The few thread, socket and signal primitives the worker needs, from the C modules under the
# public ones. `threading`, `socket` and `signal` pull in enum, functools and collections: together
# ~1.4 MB of every worker's RSS that a bare `python3` with the app imported does not have (issue 7,
# bench/memory.mjs). Where an interpreter lacks a C module, the public module stands in.
import _thread

try:
    from _collections import deque
except ImportError:  # pragma: no cover - not CPython
    from collections import deque

try:
    import _socket as sockets
except ImportError:  # pragma: no cover
    import socket as sockets

try:
    import _signal as signals
except ImportError:  # pragma: no cover
    import signal as signals

Lock = _thread.allocate_lock
local = _thread._local
SocketType = sockets.socket
SIGNAL_NAMES = {signals.SIGTERM: 'SIGTERM', signals.SIGINT: 'SIGINT'}


def start_thread(target, *args):
    """A daemon thread (the worker always leaves by os._exit, so no thread is ever joined). An
    uncaught exception is printed by sys.unraisablehook, as threading's default hook would."""
    _thread.start_new_thread(target, args)


def accept(listener):
    """listener.accept() for a C-level socket: (connected socket, address)."""
    fd, addr = listener._accept()
    return SocketType(listener.family, listener.type, listener.proto, fileno=fd), addr


class Condition(object):
    """threading.Condition without timeouts (the worker never waits with one): each waiter blocks
    on a lock of its own that notify() releases, as threading's does."""

    __slots__ = ('_lock', '_waiters', 'acquire', 'release')

    def __init__(self, lock=None):
        if lock is None:
            lock = _thread.allocate_lock()
        self._lock = lock
        self.acquire = lock.acquire
        self.release = lock.release
        self._waiters = deque()

    def __enter__(self):
        return self._lock.__enter__()

    def __exit__(self, *exc):
        return self._lock.__exit__(*exc)

    def wait(self):
        waiter = _thread.allocate_lock()
        waiter.acquire()
        self._waiters.append(waiter)
        self._lock.release()
        notified = False
        try:
            waiter.acquire()
            notified = True
        finally:
            self._lock.acquire()
            if not notified:
                try:
                    self._waiters.remove(waiter)
                except ValueError:
                    pass

    def notify(self, n=1):
        waiters = self._waiters
        while waiters and n > 0:
            waiters.popleft().release()
            n -= 1

    def notify_all(self):
        self.notify(len(self._waiters))

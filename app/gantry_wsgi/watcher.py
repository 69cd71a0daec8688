# Threaded workers run a connection's lone request on the connection's own reader thread (no
# hand-off to the pool). The watcher notices if more records arrive meanwhile — the gateway is
# multiplexing, or aborting — and hands that connection's reading to a fresh thread.
import select

from .lowlevel import start_thread

_EPOLLIN = getattr(select, 'EPOLLIN', 0)
_EPOLLONESHOT = getattr(select, 'EPOLLONESHOT', 0)


def available():
    return hasattr(select, 'epoll')


class Watcher(object):
    """One epoll set for the whole worker: arming a connection costs one epoll_ctl, and so does
    disarming it; nothing wakes unless data arrives while the connection's reader is busy."""

    def __init__(self):
        self._ep = select.epoll()
        self._conns = {}
        start_thread(self._run)

    def arm(self, conn):
        fd = conn.fileno
        if fd in self._conns:
            self._ep.modify(fd, _EPOLLIN | _EPOLLONESHOT)
        else:
            self._conns[fd] = conn
            self._ep.register(fd, _EPOLLIN | _EPOLLONESHOT)

    def disarm(self, conn):
        try:
            # ONESHOT with no events: a hang-up fires at most once, never spins.
            self._ep.modify(conn.fileno, _EPOLLONESHOT)
        except OSError:
            pass

    def forget(self, conn):
        if self._conns.get(conn.fileno) is conn:
            del self._conns[conn.fileno]
            try:
                self._ep.unregister(conn.fileno)
            except (OSError, ValueError):
                pass

    def _run(self):
        while True:
            try:
                events = self._ep.poll()
            except InterruptedError:
                continue
            for fd, _ in events:
                conn = self._conns.get(fd)
                if conn is not None:
                    conn.take_over()

# Output written past sys.stdout/sys.stderr (os.write to fds 1 and 2, subprocesses, C extensions) goes
# to the request that wrote it, when that can be told: fds 1 and 2 become pipes this worker reads, and
# what arrives on them while exactly one request is running belongs to that request; with none, or
# two and more, running it is the worker's output, passed on to the original fds 1 and 2 unchanged.
#
# Why a pipe per stream and not a tag per write: the kernel does not say who wrote. So the rules are
# by time and by pipe:
# - a request's end first reads what its pipes already hold (a write the app finished before returning
#   is in the pipe by then), so it arrives before END_REQUEST, and nothing written while two requests ran
#   is still unread once one of them has left;
# - a child process holds the pipes it inherited. Once something may have started one (sys.audit's
#   fork/spawn events), the pipes are replaced at the next request boundary and the old ones are read
#   to their end as the worker's output: a child that outlives its request never writes into a later one.
# The worker's own lines (sys.__stderr__, tracebacks outside requests) go to the original fds directly,
# so they reach the supervisor whatever happens to the reader thread.
import io
import os
import select
import sys

from .lowlevel import Condition, Lock, start_thread

_READ_SIZE = 65536
# At most this many reads per pipe when a request ends (1 MiB): what is still coming after that is the worker's.
_DRAIN_READS = 16
# sys.audit events after which a new process may hold fds 1 and 2 (PEP 578).
_SPAWN_EVENTS = frozenset(('os.fork', 'os.forkpty', 'os.posix_spawn', 'os.system', 'subprocess.Popen'))


def supported():
    """fds 1 and 2 can be pipes this worker polls: POSIX with epoll or poll (not Windows, whose select has neither)."""
    return os.name == 'posix' and (hasattr(select, 'epoll') or hasattr(select, 'poll'))


class _Poller(object):
    """epoll where there is one (registering while another thread waits is safe); poll() elsewhere, with
    a wake-up pipe so the waiting thread picks up fds registered after it began waiting."""

    def __init__(self):
        self._ep = select.epoll() if hasattr(select, 'epoll') else None
        self._p = None if self._ep is not None else select.poll()
        self._wake = None

    def watch_wakeups(self):
        if self._p is not None:
            self._wake = os.pipe()
            os.set_blocking(self._wake[0], False)
            os.set_blocking(self._wake[1], False)
            self._p.register(self._wake[0], select.POLLIN)

    def register(self, fd):
        if self._ep is not None:
            self._ep.register(fd, select.EPOLLIN)
            return
        self._p.register(fd, select.POLLIN)
        if self._wake is not None:
            try:
                os.write(self._wake[1], b'x')
            except OSError:
                pass

    def raw_poll(self):
        """The epoll/poll object's own poll: raw_poll()(0) gives the fds with something to read, without
        waiting, as (fd, events) pairs, in one syscall and no Python frame (the request path's call)."""
        return (self._ep or self._p).poll

    def unregister(self, fd):
        try:
            (self._ep or self._p).unregister(fd)
        except (KeyError, OSError, ValueError):
            pass

    def poll(self, timeout):
        if self._ep is not None:
            return [fd for fd, _ in self._ep.poll(timeout)]
        fds = [fd for fd, _ in self._p.poll(None if timeout < 0 else timeout * 1000)]
        if self._wake is not None and self._wake[0] in fds:
            fds.remove(self._wake[0])
            try:
                os.read(self._wake[0], 512)
            except OSError:
                pass
        return fds


def _write_all(fd, data):
    try:
        while data:
            data = data[os.write(fd, data):]
    except OSError:
        pass


def _text_stream(fd, like):
    # As the interpreter makes sys.stdout/sys.stderr under -u (the gateway's way): every write is a write(2).
    return io.TextIOWrapper(io.FileIO(fd, 'w', closefd=False), encoding=getattr(like, 'encoding', None) or 'utf-8',
                            errors=getattr(like, 'errors', None) or 'backslashreplace', line_buffering=True,
                            write_through=True)


class FdCapture(object):
    def __init__(self, one_at_a_time=False):
        # --threads 1: requests run one after another (never two at once), so entering needs no lock.
        self._single = one_at_a_time
        self._lock = Lock()
        self._sending = None  # the request the reader thread is sending output to, outside the lock
        self._sent = Condition(self._lock)
        self._running = set()
        self._solo = None  # the request running, when exactly one is
        self.spawned = False  # a process may have been started that holds the current pipes
        self._live = True
        # True once stop() has put fds 1 and 2 back and passed on what the pipes held (_live goes False first).
        self.restored = False
        self.original = {1: os.dup(1), 2: os.dup(2)}  # not inheritable: children get the pipes
        self._current = {}  # read end -> 1 or 2
        self._retired = {}  # read end of a replaced pipe -> 1 or 2, read until every writer is gone
        self._reader = _Poller()
        self._reader.watch_wakeups()
        self._ready = _Poller()  # the request path's own (a poll() object takes one waiter at a time)
        self._ready_now = self._ready.raw_poll()
        self._install_pipes()

    # --- setup ---
    def streams(self):
        """Text streams on the original fds 1 and 2, for sys.stdout/sys.stderr outside requests."""
        return (_text_stream(self.original[1], sys.stdout), _text_stream(self.original[2], sys.stderr))

    def start(self):
        sys.addaudithook(self._audit)
        start_thread(self._read_loop)

    def _audit(self, event, args):
        if event in _SPAWN_EVENTS:
            self.spawned = True

    def _install_pipes(self):
        """fds 1 and 2 become the write ends of fresh pipes; the pipes they were (if any) are retired."""
        self.spawned = False
        for stream in (1, 2):
            r, w = os.pipe()
            os.set_blocking(r, False)
            os.dup2(w, stream)  # inheritable: subprocesses write here
            os.close(w)
            for old, s in list(self._current.items()):
                if s == stream:
                    del self._current[old]
                    self._ready.unregister(old)
                    self._retired[old] = stream
            self._current[r] = stream
            self._ready.register(r)
            self._reader.register(r)

    # --- requests ---
    def enter(self, req):
        if self._single:
            self._solo = req
            if self.spawned:
                # Started while no request ran (a thread of the app, or at import): not this request's.
                with self._lock:
                    if self._live:
                        self._install_pipes()
            return
        with self._lock:
            running = self._running
            running.add(req)
            if len(running) == 1:
                self._solo = req
                if self.spawned and self._live:
                    self._install_pipes()
            else:
                self._solo = None

    def leave(self, req):
        """Before the request's END_REQUEST: what its pipes hold now is read first, and sent as its output."""
        # Checked once before locking: a request that has left (or never entered) never comes back.
        if req is not self._solo and req not in self._running:
            return
        mine = None
        with self._lock:
            if self._live:
                ready = self._ready_now(0)
                if ready:
                    mine = []
                    for fd, _ in ready:
                        # Bounded: a child still writing as fast as we read must not hold the request.
                        for _ in range(_DRAIN_READS):
                            if not self._take(fd, mine):
                                break
                if self.spawned:
                    self._install_pipes()
            if self._single:
                self._solo = None
            else:
                running = self._running
                running.discard(req)
                self._solo = next(iter(running)) if len(running) == 1 else None
            # A chunk the reader thread read earlier for this request leaves before these (and END_REQUEST).
            while self._sending is req:
                self._sent.wait()
        if mine:
            for stream, data in mine:
                req.write_fd(stream, data)

    def pass_on(self, stream, data):
        """Output no request takes: to the original fd 1 or 2 (the supervisor's)."""
        _write_all(self.original[stream], data)

    # --- reading ---
    def _take(self, fd, mine):
        """One read of fd, under the lock: what the request running alone gets is appended to `mine` as
        (stream, data), the rest passed on. False once fd has nothing more for now."""
        try:
            data = os.read(fd, _READ_SIZE)
        except BlockingIOError:
            return False
        except OSError:
            data = b''
        stream = self._current.get(fd)
        if not data:
            # Every writer is gone: a retired pipe whose children have exited (or the app closed fd 1/2).
            self._current.pop(fd, None)
            self._retired.pop(fd, None)
            self._ready.unregister(fd)
            self._reader.unregister(fd)
            os.close(fd)
            return False
        if stream is not None and self._solo is not None:
            mine.append((stream, data))
        else:
            _write_all(self.original[stream or self._retired.get(fd, 2)], data)
        return True

    def _read_loop(self):
        try:
            poll = self._reader.poll
            lock = self._lock
            while self._live:
                fds = poll(-1)
                mine = []
                with lock:
                    for fd in fds:
                        if fd in self._current or fd in self._retired:
                            self._take(fd, mine)
                    req = self._sending = self._solo if mine else None
                if req is None:
                    continue
                # Sent outside the lock: a request whose client reads slowly holds up no other request's
                # start or end, only its own (leave() waits for this).
                try:
                    for stream, data in mine:
                        req.write_fd(stream, data)
                finally:
                    with lock:
                        self._sending = None
                        self._sent.notify_all()
        except BaseException:
            # Whatever broke the reader, fds 1 and 2 must keep reaching the supervisor: say why there,
            # then put them back.
            import traceback
            self.pass_on(2, ('[gantry worker pid %d] fd 1/2 reader failed, output is no longer attributed:\n%s'
                             % (os.getpid(), traceback.format_exc())).encode('utf-8', 'backslashreplace'))
            self.stop()

    def stop(self):
        """Puts the original fds 1 and 2 back, passing on what the pipes still hold (the worker is leaving,
        or the reader failed). Requests from now on get no fd output."""
        with self._lock:
            if not self._live:
                return
            self._live = False
            self._solo = None
            for stream in (1, 2):
                os.dup2(self.original[stream], stream)
            for fd in list(self._current) + list(self._retired):
                stream = self._current.get(fd) or self._retired.get(fd)
                while True:
                    try:
                        data = os.read(fd, _READ_SIZE)
                    except OSError:
                        break
                    if not data:
                        break
                    _write_all(self.original[stream], data)
            self.restored = True

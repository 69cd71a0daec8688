# wsgi.input: the request body streamed from FCGI_STDIN records as they arrive, never buffered whole.
# Reads stop at CONTENT_LENGTH (then return b''), or at the end of the STDIN stream if none was given.
import sys

from .lowlevel import Condition, deque

# A threaded request's reader stops pulling from the socket past this much unread body.
MAX_BUFFERED = 1 << 20


class ClientDisconnected(OSError):
    """The gateway aborted the request (client went away) while the app was reading its body."""


class _BaseInput(object):
    def __init__(self, content_length):
        self._q = deque()
        self._buf = b''
        self._pos = 0
        self._left = sys.maxsize if content_length is None else content_length
        self._eof = False
        self._aborted = False

    # --- producer side (the connection's reader) ---
    def finish(self):
        self._eof = True

    def abort(self):
        self._aborted = True
        self._eof = True

    # --- consumer side (the app) ---
    def _next_chunk(self):
        raise NotImplementedError

    def _take(self, need):
        """Up to need bytes, blocking until need bytes or end of stream."""
        buf, pos = self._buf, self._pos
        avail = len(buf) - pos
        if avail >= need:
            self._pos = pos + need
            return buf[pos:pos + need] if (pos or need != len(buf)) else buf
        parts = [buf[pos:]] if avail else []
        self._buf = b''
        self._pos = 0
        need -= avail
        while need > 0:
            chunk = self._next_chunk()
            if not chunk:
                break
            n = len(chunk)
            if n > need:
                parts.append(chunk[:need])
                self._buf = chunk
                self._pos = need
                break
            parts.append(chunk)
            need -= n
        return b''.join(parts)

    def read(self, size=-1):
        left = self._left
        if left <= 0:
            return b''
        if size is None or size < 0 or size > left:
            size = left
        data = self._take(size)
        self._left = left - len(data)
        return data

    def readline(self, limit=-1):
        left = self._left
        if left <= 0:
            return b''
        if limit is None or limit < 0 or limit > left:
            limit = left
        parts = []
        got = 0
        while got < limit:
            buf, pos = self._buf, self._pos
            if pos >= len(buf):
                chunk = self._next_chunk()
                if not chunk:
                    break
                self._buf = buf = chunk
                self._pos = pos = 0
            stop_at = min(len(buf), pos + (limit - got))
            nl = buf.find(b'\n', pos, stop_at)
            stop = nl + 1 if nl >= 0 else stop_at
            parts.append(buf[pos:stop])
            got += stop - pos
            self._pos = stop
            if nl >= 0:
                break
        self._left = left - got
        return parts[0] if len(parts) == 1 else b''.join(parts)

    def readlines(self, hint=-1):
        lines = []
        total = 0
        while True:
            line = self.readline()
            if not line:
                return lines
            lines.append(line)
            total += len(line)
            if hint is not None and 0 < hint <= total:
                return lines

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def close(self):
        pass


class InlineInput(_BaseInput):
    """For a request run on its connection's reader thread: reading pulls records off the socket."""

    def __init__(self, content_length, pump):
        _BaseInput.__init__(self, content_length)
        self._pump = pump
        self.queued = 0  # bytes received, not yet read by the app

    def feed(self, data):
        self._q.append(data)
        self.queued += len(data)

    def _next_chunk(self):
        q = self._q
        while not q:
            if self._eof:
                if self._aborted:
                    raise ClientDisconnected('request aborted by the gateway')
                return b''
            self._pump()
        chunk = q.popleft()
        self.queued -= len(chunk)
        return chunk


class ThreadedInput(_BaseInput):
    """For a request run on a pool thread: the connection's reader feeds chunks in; back-pressure
    stops the reader (and so the socket) once MAX_BUFFERED unread bytes are waiting."""

    def __init__(self, content_length):
        _BaseInput.__init__(self, content_length)
        self._cond = Condition()
        self._buffered = 0
        self._closed = False

    def feed(self, data):
        with self._cond:
            while self._buffered >= MAX_BUFFERED and not self._closed and not self._aborted:
                self._cond.wait()
            if self._closed:
                return
            self._q.append(data)
            self._buffered += len(data)
            self._cond.notify_all()

    def finish(self):
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def abort(self):
        with self._cond:
            self._aborted = True
            self._eof = True
            self._cond.notify_all()

    def release(self):
        """The request is over: drop what is left and never block the reader again."""
        with self._cond:
            self._closed = True
            self._q.clear()
            self._buffered = 0
            self._cond.notify_all()

    def _next_chunk(self):
        with self._cond:
            q = self._q
            while not q:
                if self._eof:
                    if self._aborted:
                        raise ClientDisconnected('request aborted by the gateway')
                    return b''
                self._cond.wait()
            chunk = q.popleft()
            self._buffered -= len(chunk)
            self._cond.notify_all()
            return chunk

# Keeps the app's own output out of the protocol socket: sys.stderr written while a request runs
# goes to that request's FCGI_STDERR; anything else goes to the original stream (fd 2).
import sys

from .lowlevel import local

_local = local()


def current_request():
    return getattr(_local, 'req', None)


def set_current(req):
    _local.req = req


class StderrRouter(object):
    """Stands in for sys.stderr; looks up the request running on this thread at each write."""

    def __init__(self, fallback):
        self._fallback = fallback

    def write(self, s):
        req = getattr(_local, 'req', None)
        if req is None:
            return self._fallback.write(s)
        req.write_stderr(s)
        return len(s)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        if getattr(_local, 'req', None) is None:
            self._fallback.flush()

    def __getattr__(self, name):
        return getattr(self._fallback, name)


def install():
    if not isinstance(sys.stderr, StderrRouter):
        sys.stderr = StderrRouter(sys.stderr)
    # print() lines from threads should not interleave mid-line on fd 1.
    try:
        sys.stdout.reconfigure(line_buffering=True)
    except Exception:
        pass


class ErrorStream(object):
    """wsgi.errors for one request: text written here becomes that request's FCGI_STDERR."""

    __slots__ = ('_req',)

    def __init__(self, req):
        self._req = req

    def write(self, s):
        self._req.write_stderr(s)
        return len(s)

    def writelines(self, seq):
        for s in seq:
            self._req.write_stderr(s)

    def flush(self):
        pass

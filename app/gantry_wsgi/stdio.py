# Keeps the app's own output out of the protocol socket: sys.stderr written while a request runs
# goes to that request's FCGI_STDERR, and (with --request-stdout) sys.stdout to its GANTRY_STDOUT
# stream; anything else goes to the original streams (fd 2, fd 1). "While a request runs" is per
# thread: a thread the app starts, or another request's thread, writes as itself. With
# --request-stdout, what is written to fds 1 and 2 themselves is attributed too (fdcapture.py).
import sys

from .lowlevel import local

_local = local()


def current_request():
    return getattr(_local, 'req', None)


def set_current(req):
    _local.req = req


class _Router(object):
    """Stands in for a sys stream: at each write, looks up the request running on this thread and hands
    the text to it (`_to_request`); with none, to the original stream."""

    def __init__(self, fallback):
        self._fallback = fallback

    def write(self, s):
        req = getattr(_local, 'req', None)
        if req is None:
            return self._fallback.write(s)
        self._to_request(req, s)
        return len(s)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        req = getattr(_local, 'req', None)
        if req is None:
            self._fallback.flush()
        else:
            self._flush_request(req)

    def __getattr__(self, name):
        return getattr(self._fallback, name)


class StderrRouter(_Router):
    """sys.stderr: text written while a request runs is that request's FCGI_STDERR."""

    def _to_request(self, req, s):
        req.write_stderr(s)

    def _flush_request(self, req):
        pass


class StdoutRouter(_Router):
    """sys.stdout with --request-stdout: text written while a request runs goes to that request (held
    until a line ends, flush() or the request ends), the rest to fd 1."""

    def _to_request(self, req, s):
        if not isinstance(s, str):
            # As the real text stream says it: print() to a text file takes str.
            raise TypeError('write() argument must be str, not %s' % type(s).__name__)
        req.write_stdout(s)

    def _flush_request(self, req):
        req.flush_stdout()


# With --request-stdout: fds 1 and 2 are pipes this worker reads (fdcapture.FdCapture), else None.
fd_capture = None


def install(request_stdout=False, threads=1):
    global fd_capture
    if request_stdout and fd_capture is None and _fd_capture_supported():
        from .fdcapture import FdCapture
        fd_capture = FdCapture(one_at_a_time=threads == 1)
        # Text written outside any request, and the worker's own lines, go to the original fds
        # directly: not through the pipes, where they would be taken for a running request's output.
        out, err = fd_capture.streams()
        sys.stdout = sys.__stdout__ = out
        sys.stderr = sys.__stderr__ = err
        fd_capture.start()
    if not isinstance(sys.stderr, StderrRouter):
        sys.stderr = StderrRouter(sys.stderr)
    # print() lines from threads should not interleave mid-line on fd 1.
    try:
        sys.stdout.reconfigure(line_buffering=True)
    except Exception:
        pass
    if request_stdout and not isinstance(sys.stdout, StdoutRouter):
        sys.stdout = StdoutRouter(sys.stdout)


def _fd_capture_supported():
    from .fdcapture import supported

    return supported()


def stop_fd_capture():
    """The worker is leaving: what fds 1 and 2 still hold in its pipes goes to the supervisor first."""
    if fd_capture is not None:
        fd_capture.stop()


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

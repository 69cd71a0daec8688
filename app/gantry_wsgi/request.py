# One FastCGI request: runs the WSGI app and turns start_response/write/the iterable into
# FCGI_STDOUT records, with PEP 3333's rules (exc_info, delayed headers, close() always).
import sys

from . import fastcgi, stdio
from .stdio import ErrorStream, set_current
from .wsgi_input import ClientDisconnected

_STDOUT = fastcgi.STDOUT
_STDERR = fastcgi.STDERR
_GANTRY_STDOUT = fastcgi.GANTRY_STDOUT
_encode_stream = fastcgi.encode_stream
_end_stream = fastcgi.end_stream
_end_request = fastcgi.encode_end_request

# Lists/tuples already in memory are sent in one go up to this size; bigger ones stream.
_JOIN_LIMIT = 1 << 20
# sys.stdout text without a line end is held up to this size (the gateway's line cap, 16 KiB), so a
# print() of several arguments, or a line written in pieces, leaves as one record, not one per piece.
_STDOUT_HOLD = 16 * 1024

# The same set as wsgiref.util.is_hop_by_hop (RFC 2616 13.5.1): dropped from the app's headers.
_HOP_BY_HOP = frozenset((
    'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization',
    'te', 'trailers', 'transfer-encoding', 'upgrade',
))

_ERROR_BODY = b'Internal Server Error'
_ERROR_HEAD = (b'Status: 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\n'
               b'Content-Length: 21\r\n\r\n')


class FileWrapper(object):
    """wsgi.file_wrapper: plain block reads (the bytes go over FastCGI, so no sendfile)."""

    def __init__(self, filelike, blksize=65536):
        self.filelike = filelike
        # Small blocks only cost records and syscalls; read at least 64 KiB at a time.
        self.blksize = blksize if blksize > 65536 else 65536
        close = getattr(filelike, 'close', None)
        if close is not None:
            self.close = close

    def __iter__(self):
        read = self.filelike.read
        size = self.blksize
        while True:
            data = read(size)
            if not data:
                return
            yield data


def _validate(status, headers):
    if type(status) is not str:
        raise TypeError('status must be a str, got %r' % (status,))
    # '200' without a reason phrase is accepted, as gunicorn does (the gateway fills the standard one).
    if len(status) < 3 or not status[:3].isdigit() or (len(status) > 3 and status[3] != ' '):
        raise ValueError('status must look like "200 OK", got %r' % (status,))
    if '\n' in status or '\r' in status:
        raise ValueError('status contains a line break')
    if type(headers) is not list:
        raise TypeError('response_headers must be a list, got %r' % (type(headers),))
    hop = False
    for item in headers:
        if type(item) is not tuple or len(item) != 2:
            raise TypeError('each header must be a (name, value) tuple, got %r' % (item,))
        name, value = item
        if type(name) is not str or type(value) is not str:
            raise TypeError('header names and values must be str, got %r' % (item,))
        if ':' in name or '\n' in name or '\r' in name or '\n' in value or '\r' in value:
            raise ValueError('invalid character in header %r' % (item,))
        if name.lower() in _HOP_BY_HOP:
            hop = True
    if hop:
        headers = _drop_hop_by_hop(headers)
    return headers


def _drop_hop_by_hop(headers):
    # As gunicorn: hop-by-hop headers from the app are dropped, not an error; `Connection: close`
    # survives (as exactly that) so the gateway closes the client connection after this response.
    kept = []
    for name, value in headers:
        lower = name.lower()
        if lower not in _HOP_BY_HOP:
            kept.append((name, value))
        elif lower == 'connection' and 'close' in [t.strip().lower() for t in value.split(',')]:
            kept.append(('Connection', 'close'))
    return kept


class Request(object):
    __slots__ = ('id', 'conn', 'keep', 'params', 'environ', 'input', 'status', 'headers',
                 'headers_sent', 'aborted', 'stderr_used', 'head', 'started', 'finished', 'out')

    def __init__(self, rid, conn, keep):
        self.id = rid
        self.conn = conn
        self.keep = keep
        self.params = []
        self.environ = None
        self.input = None
        self.status = None
        self.headers = None
        self.headers_sent = False
        self.aborted = False
        self.stderr_used = False
        self.head = False
        self.started = False
        self.finished = False
        self.out = ''  # sys.stdout text not yet sent: the start of a line (--request-stdout)

    # --- the WSGI callables ---
    def start_response(self, status, headers, exc_info=None):
        if exc_info is not None:
            try:
                if self.headers_sent:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        elif self.status is not None:
            raise AssertionError('start_response() called a second time without exc_info')
        self.headers = _validate(status, headers)
        self.status = status
        return self.write

    def write(self, data):
        if self.status is None:
            raise AssertionError('write() called before start_response()')
        if type(data) is not bytes:
            if not isinstance(data, (bytes, bytearray, memoryview)):
                raise TypeError('write() takes bytes, got %r' % (type(data),))
            data = bytes(data)
        if self.aborted:
            raise ClientDisconnected('request aborted by the gateway')
        if not self.headers_sent:
            data = self._head() + (b'' if self.head else data)
        elif self.head or not data:
            return
        if not self.conn.send(_encode_stream(_STDOUT, self.id, data)):
            self.aborted = True
            raise ClientDisconnected('gateway connection closed')

    def write_stderr(self, s):
        if self.finished:
            if not isinstance(s, str):
                s = bytes(s).decode('utf-8', 'replace')
            sys.__stderr__.write(s)
            return
        if isinstance(s, str):
            s = s.encode('utf-8', 'backslashreplace')
        if s:
            self.stderr_used = True
            self.conn.send(_encode_stream(_STDERR, self.id, s))

    def write_stdout(self, s):
        """sys.stdout while this request runs (stdio.StdoutRouter): whole lines go out as GANTRY_STDOUT;
        the rest of a line waits for its end, a flush() or the end of the request."""
        if self.finished:
            sys.__stdout__.write(s)
            return
        if self.out:
            s = self.out + s
        nl = s.rfind('\n')
        if nl < 0 and len(s) < _STDOUT_HOLD:
            self.out = s
            return
        if nl < 0 or len(s) - nl - 1 >= _STDOUT_HOLD:
            self.out = ''
            self._send_stdout(s)
        else:
            self.out = s[nl + 1:]
            self._send_stdout(s[:nl + 1])

    def write_fd(self, stream, data):
        """Bytes written to fd 1 or 2 while this request ran alone (fdcapture.FdCapture)."""
        if self.finished or self.aborted:
            # Its streams are closed, or the gateway has let the request go (it drops what an aborted
            # request sends): the worker's output, as before fd capture, so it is not lost.
            stdio.fd_capture.pass_on(stream, data)
        elif stream == 1:
            if stdio.current_request() is self:
                # On the request's own thread (its end): a print()'s line held so far was written first.
                # Not from the reader thread, which would race this thread's print() for the held text.
                self.flush_stdout()
            self.conn.send(_encode_stream(_GANTRY_STDOUT, self.id, data))
        else:
            self.stderr_used = True
            self.conn.send(_encode_stream(_STDERR, self.id, data))

    def flush_stdout(self):
        if self.out and not self.finished:
            s = self.out
            self.out = ''
            self._send_stdout(s)

    def _send_stdout(self, s):
        self.conn.send(_encode_stream(_GANTRY_STDOUT, self.id, s.encode('utf-8', 'backslashreplace')))

    # --- running ---
    def _head(self):
        if self.status is None:
            raise AssertionError('the application returned without calling start_response()')
        lines = ['Status: ', self.status, '\r\n']
        for name, value in self.headers:
            lines += (name, ': ', value, '\r\n')
        lines.append('\r\n')
        head = ''.join(lines).encode('latin-1')
        self.headers_sent = True
        return head

    def _tail(self, app_status):
        rid = self.id
        cap = stdio.fd_capture
        if cap is not None:
            # What the app wrote to fds 1 and 2 before returning leaves before END_REQUEST.
            cap.leave(self)
        # From here on, the request's streams are closed: later stderr goes to fd 2, and the id
        # is free for the gateway's next request before END_REQUEST even leaves.
        self.finished = True
        self.conn.release_id(self)
        # A line the app left unended is still its output: it leaves before END_REQUEST (the gateway
        # ends its stdout stream there; GANTRY_STDOUT has no end-of-stream record of its own).
        out = b''
        if self.out:
            out = _encode_stream(_GANTRY_STDOUT, rid, self.out.encode('utf-8', 'backslashreplace'))
            self.out = ''
        if self.stderr_used:
            return out + _end_stream(_STDOUT, rid) + _end_stream(_STDERR, rid) + _end_request(rid, app_status)
        return out + _end_stream(_STDOUT, rid) + _end_request(rid, app_status)

    def run(self, app, server):
        """Run the app for this request; always ends it with END_REQUEST (unless aborted first)."""
        self.started = True
        if self.aborted:
            # Aborted while queued: the app never sees it.
            self._abort_end()
            self.conn.request_done(self)
            return
        environ = self.environ
        environ['wsgi.errors'] = ErrorStream(self)
        self.head = environ['REQUEST_METHOD'] == 'HEAD'
        set_current(self)
        cap = stdio.fd_capture
        if cap is not None:
            cap.enter(self)
        result = None
        try:
            try:
                result = app(environ, self.start_response)
                self._respond(result)
            except ClientDisconnected:
                self._abort_end()
            except BaseException:
                # SystemExit or KeyboardInterrupt from app code is this request's failure too: the
                # worker keeps serving (the gateway decides about the process, not the app).
                self._app_error(sys.exc_info(), server)
            finally:
                close = getattr(result, 'close', None)
                if close is not None:
                    try:
                        close()
                    except BaseException:
                        self._log_exception(sys.exc_info())
        finally:
            set_current(None)
            if cap is not None:
                cap.leave(self)  # ended without _tail (aborted): no-op otherwise
            self.finished = True
            # environ -> wsgi.errors -> this request -> environ would make every request a
            # reference cycle left for the cyclic GC; cut it here.
            self.environ = None
            self.conn.request_done(self)

    def _respond(self, result):
        rid = self.id
        send = self.conn.send
        t = type(result)
        if t is list or t is tuple:
            if len(result) == 1:
                body = result[0]
                if type(body) is not bytes:
                    raise TypeError('the application must yield bytes, got %r' % (type(body),))
            else:
                for chunk in result:
                    if type(chunk) is not bytes:
                        raise TypeError('the application must yield bytes, got %r' % (type(chunk),))
                body = b''.join(result)
            if len(body) <= _JOIN_LIMIT:
                if self.aborted:
                    raise ClientDisconnected('aborted')
                if not self.headers_sent:
                    body = self._head() + (b'' if self.head else body)
                elif self.head:
                    body = b''
                # Small response: headers, body and END_REQUEST leave in one sendall.
                if not send(_encode_stream(_STDOUT, rid, body) + self._tail(0)):
                    raise ClientDisconnected('gateway connection closed')
                return
            result = [body]
        poll = self.conn.poll_abort
        first = True
        for chunk in result:
            if type(chunk) is not bytes:
                raise TypeError('the application must yield bytes, got %r' % (type(chunk),))
            if not chunk:
                continue
            if first:
                first = False
            elif poll is not None:
                poll()
            if self.aborted:
                raise ClientDisconnected('aborted')
            if not self.headers_sent:
                chunk = self._head() + (b'' if self.head else chunk)
            elif self.head:
                continue
            if not send(_encode_stream(_STDOUT, rid, chunk)):
                raise ClientDisconnected('gateway connection closed')
        if self.aborted:
            raise ClientDisconnected('aborted')
        data = b'' if self.headers_sent else _encode_stream(_STDOUT, rid, self._head())
        if not send(data + self._tail(0)):
            raise ClientDisconnected('gateway connection closed')

    def _abort_end(self):
        self.aborted = True
        self.finished = True
        self.conn.release_id(self)
        self.conn.send(_end_request(self.id, 1))

    def _log_exception(self, exc_info):
        """The traceback goes to this request's FCGI_STDERR: the gateway logs it with the request's id."""
        import traceback  # failures only: it pulls in linecache, tokenize, textwrap...
        tb = ''.join(traceback.format_exception(*exc_info))
        try:
            self.write_stderr(tb)
        except Exception:
            pass

    def _app_error(self, exc_info, server):
        self._log_exception(exc_info)
        exc_info = None
        rid = self.id
        if self.aborted:
            self.finished = True
            self.conn.release_id(self)
            self.conn.send(_end_request(rid, 1))
        elif not self.headers_sent:
            self.headers_sent = True
            body = _ERROR_HEAD + (b'' if self.head else _ERROR_BODY)
            self.conn.send(_encode_stream(_STDOUT, rid, body) + self._tail(1))
        else:
            # Headers are gone: all we can do is cut the response short (appStatus 1 tells the
            # gateway the body is incomplete).
            self.conn.send(self._tail(1))

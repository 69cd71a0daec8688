# One gateway connection: reads records in large chunks, routes them to their requests
# (multiplexed ids), and serialises output records onto the socket.
from . import fastcgi
from .environ import build_environ
from .request import Request
from .lowlevel import Lock, deque, sockets, start_thread
from .wsgi_input import MAX_BUFFERED, InlineInput, ThreadedInput

_BEGIN = fastcgi.BEGIN_REQUEST
_ABORT = fastcgi.ABORT_REQUEST
_PARAMS = fastcgi.PARAMS
_STDIN = fastcgi.STDIN
_GET_VALUES = fastcgi.GET_VALUES
_DATA = fastcgi.DATA
_end_request = fastcgi.encode_end_request

# Each connection starts with a small receive buffer (a request's headers and a small body fit)
# and switches to the large one the first time a read fills it: bulk bodies arrive in few reads,
# while an idle worker does not hold 256 KiB per connection it never needed.
RECV_SIZE_FIRST = 16 * 1024
RECV_SIZE = 256 * 1024
# Room for response bytes the gateway has not read yet (Linux doubles it: ~1 MiB of skbs, kernel
# memory, used only while a response outruns the gateway). The default (~208 KiB) fills after three
# 64 KiB pieces, so a large download slept and was woken every ~150 KiB: 4-5x the context switches
# of worker and gateway per MiB. Capped by net.core.wmem_max.
SEND_BUFFER = 512 * 1024
_DONTWAIT = getattr(sockets, 'MSG_DONTWAIT', 0)
_SHUT_RDWR = sockets.SHUT_RDWR


class Connection(object):
    def __init__(self, sock, server):
        self.sock = sock
        self.server = server
        self.parser = fastcgi.RecordParser()
        self.requests = {}
        self.ready = deque()
        self.wlock = Lock()
        self.open = True
        self.close_when_idle = False
        self.inflight = 0  # threaded mode: begun and not yet finished (ids are released earlier)
        self.count_lock = Lock()
        self.inline = server.threads == 1
        self.fileno = sock.fileno()
        try:
            sock.setsockopt(sockets.SOL_SOCKET, sockets.SO_SNDBUF, SEND_BUFFER)
        except OSError:
            pass
        self.rsize = RECV_SIZE_FIRST
        self.rbuf = bytearray(RECV_SIZE_FIRST)
        self.rview = memoryview(self.rbuf)
        # Threaded mode: a lone request runs on this reader thread while the watcher looks out
        # for more records; once the gateway multiplexes (mpx), requests go to the pool.
        self.watcher = None if self.inline else server.watcher
        self.mpx = self.watcher is None
        self.handoff_lock = Lock()
        self.inline_active = False
        self.taken_over = False
        self.watched = None
        self.current = None  # inline mode: the request running on this thread
        # Inline requests block this connection's reader, so between streamed chunks they peek
        # at the socket for an ABORT_REQUEST; threaded requests get it from the reader.
        self.poll_abort = self._poll if (self.inline and _DONTWAIT) else None

    # --- output ---
    def send(self, data):
        with self.wlock:
            if not self.open:
                return False
            try:
                self.sock.sendall(data)
                return True
            except OSError:
                pass
        self._lost()
        return False

    # --- input ---
    def _recv(self, flags=0):
        # recv(256 KiB) would mmap, mremap and munmap a buffer for every read: three syscalls
        # per request. One preallocated buffer per connection, copied out at the size read.
        size = self.rsize
        n = self.sock.recv_into(self.rbuf, size, flags)
        data = self.rview[:n].tobytes()
        if n == size and size < RECV_SIZE:
            self.rsize = RECV_SIZE
            self.rbuf = bytearray(RECV_SIZE)
            self.rview = memoryview(self.rbuf)
        return data

    def serve(self):
        recv = self._recv
        handed_off = False
        try:
            while self.open:
                data = recv()
                if not data:
                    break
                self._records(data)
                if self.ready:
                    if self.inline:
                        self._run_ready()
                    elif self._dispatch_ready():
                        handed_off = True
                        return
                # Threaded requests close the connection themselves once their END_REQUEST is out.
                if self.close_when_idle and self.inline and not self.requests:
                    break
        except OSError:
            pass
        finally:
            if not handed_off:
                if self.watcher is not None:
                    self.watcher.forget(self)
                self._cleanup()
                try:
                    self.sock.close()
                except OSError:
                    pass

    def _dispatch_ready(self):
        """Threaded mode. Returns True if another thread took over reading this connection."""
        ready = self.ready
        server = self.server
        if (not self.mpx and len(ready) == 1 and len(self.requests) == 1 and ready[0].input._eof
                and server.try_claim()):
            return self._run_watched(ready.popleft())
        if len(ready) > 1 or len(self.requests) > 1:
            self.mpx = True
        while ready:
            server.submit(ready.popleft())
        return False

    def _run_watched(self, req):
        server = self.server
        with self.handoff_lock:
            self.inline_active = True
        self.watched = req
        try:
            self.watcher.arm(self)
            req.run(server.app, server)
        finally:
            server.unclaim()
            self._end_watch()
        return self.taken_over

    def _end_watch(self):
        # Called as the request's END_REQUEST is about to leave (and again, harmlessly, after
        # run): the gateway's next request may arrive any moment now and is ours to read, not
        # a sign of multiplexing.
        if self.watched is None:
            return
        self.watched = None
        with self.handoff_lock:
            self.inline_active = False
            taken = self.taken_over
        if not taken:
            self.watcher.disarm(self)

    def take_over(self):
        """Watcher thread: records arrived while this connection's reader runs a request."""
        with self.handoff_lock:
            if not self.inline_active or self.taken_over:
                return
            self.taken_over = True
            self.mpx = True
        start_thread(self.serve)

    def _run_ready(self):
        server = self.server
        ready = self.ready
        lock = server.inline_lock
        app = server.app
        while ready and self.open:
            req = ready.popleft()
            with lock:
                self.current = req
                try:
                    req.run(app, server)
                finally:
                    self.current = None

    def pump(self):
        """Blocking read for an inline request waiting on its body."""
        try:
            data = self._recv()
        except OSError:
            data = b''
        if not data:
            self._lost()
            return
        self._records(data)

    def _poll(self):
        cur = self.current
        if cur is not None and cur.input.queued > MAX_BUFFERED:
            # The app streams a response without reading its upload: leave the rest in the socket
            # (back-pressure) rather than pull it all into memory looking for an ABORT_REQUEST.
            return
        try:
            data = self._recv(_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b''
        if not data:
            self._lost()
            return
        self._records(data)

    def _records(self, data):
        try:
            records = self.parser.feed(data)
        except ValueError:
            self._lost()
            return
        requests = self.requests
        for rtype, rid, content in records:
            if rtype == _STDIN:
                req = requests.get(rid)
                if req is not None:
                    if content:
                        req.input.feed(content)
                    else:
                        req.input.finish()
            elif rtype == _PARAMS:
                req = requests.get(rid)
                if req is None or req.environ is not None:
                    continue
                if content:
                    req.params.append(content)
                else:
                    self._params_done(req)
            elif rtype == _BEGIN:
                self._begin(rid, content)
            elif rtype == _ABORT:
                self._abort(rid)
            elif rtype == _GET_VALUES:
                self._get_values(content)
            elif rtype == _DATA:
                pass
            else:
                self.send(fastcgi.encode_unknown_type(rtype))

    def _begin(self, rid, content):
        role, flags = fastcgi.decode_begin_request(content)
        keep = bool(flags & fastcgi.KEEP_CONN)
        if not keep:
            self.close_when_idle = True
        if role != fastcgi.RESPONDER:
            self.send(_end_request(rid, 0, fastcgi.UNKNOWN_ROLE))
            return
        server = self.server
        if rid in self.requests:
            return  # a protocol error by the client; answering would end the live request
        if server.stopping:
            # A stopping worker takes no new work: the gateway retries it elsewhere.
            self.send(_end_request(rid, 0, fastcgi.OVERLOADED))
            return
        req = Request(rid, self, keep)
        if self.inline:
            req.input = InlineInput(None, self.pump)
        else:
            req.input = ThreadedInput(None)
            with self.count_lock:
                self.inflight += 1
        self.requests[rid] = req
        server.begin()

    def _params_done(self, req):
        server = self.server
        params = req.params
        req.params = None
        try:
            env, content_length = build_environ(server.base, params[0] if len(params) == 1 else b''.join(params),
                                                server.script_name)
        except ValueError:
            self._drop(req)
            return
        if content_length is not None:
            req.input._left = content_length
        env['wsgi.input'] = req.input
        req.environ = env
        self.ready.append(req)

    def _abort(self, rid):
        req = self.requests.get(rid)
        if req is None:
            return
        req.aborted = True
        req.input.abort()
        if req.environ is None:
            self._drop(req)

    def _drop(self, req):
        """End a request that never reached the app."""
        if self.requests.pop(req.id, None) is not None:
            self.send(_end_request(req.id, 1))
            self._forget(req)

    def _forget(self, req):
        self.server.end(False)
        if not self.inline:
            with self.count_lock:
                self.inflight -= 1

    def _get_values(self, content):
        try:
            names = [name for name, _ in fastcgi.decode_pairs(content)]
        except ValueError:
            return
        known = self.server.fcgi_values
        pairs = [(n, known[n]) for n in names if n in known]
        self.send(fastcgi.encode_record(fastcgi.GET_VALUES_RESULT, 0, fastcgi.encode_pairs(pairs)))

    def release_id(self, req):
        if self.requests.get(req.id) is req:
            del self.requests[req.id]
        if req is self.watched:
            self._end_watch()

    def request_done(self, req):
        self.release_id(req)
        self.server.end(True)
        if self.inline:
            return
        req.input.release()
        with self.count_lock:
            self.inflight -= 1
            idle = not self.inflight
        if self.close_when_idle and idle:
            # Wake the reader so it closes the connection (FCGI_KEEP_CONN was not set).
            try:
                self.sock.shutdown(_SHUT_RDWR)
            except OSError:
                pass

    def _lost(self):
        """The gateway closed the connection (or broke the protocol). Any thread may call this:
        it only marks everything aborted and wakes the reader, which cleans up (_cleanup)."""
        with self.wlock:
            if not self.open:
                return
            self.open = False
        for req in list(self.requests.values()):
            req.aborted = True
            req.input.abort()
        try:
            self.sock.shutdown(_SHUT_RDWR)
        except OSError:
            pass

    def _cleanup(self):
        # Reader thread only, on its way out: the reader is the one thread that hands requests to
        # the app, so only it may decide that an undispatched request will never run.
        self._lost()
        for req in list(self.requests.values()):
            if req.environ is None and self.requests.pop(req.id, None) is req:
                self._forget(req)
        while self.ready:
            req = self.ready.popleft()
            if self.requests.pop(req.id, None) is req:
                self._forget(req)

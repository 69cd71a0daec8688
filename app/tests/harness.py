# Test harness: starts the real worker (the launcher) as a subprocess with fds 0/3/4 as pipes,
# and talks FastCGI to it with the worker's own codec. Waits on state (ready line, socket reads,
# process exit), never on time.
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
APP_DIR = os.path.dirname(HERE)
REPO = os.path.dirname(APP_DIR)
LAUNCHER = os.path.join(APP_DIR, 'gantry_worker.py')
FIXTURES = os.path.join(HERE, 'fixtures')
VECTORS = os.path.join(REPO, 'protocol', 'fastcgi-vectors.json')

if APP_DIR not in sys.path:
    sys.path.insert(0, APP_DIR)
from gantry_wsgi import fastcgi  # noqa: E402

TIMEOUT = 20.0
IN_CI = os.environ.get('CI') == 'true'


def free_port():
    """A loopback TCP port free right now (for peers such as nginx and cgi-fcgi that need a number)."""
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def requires(available, reason, install):
    """Class decorator for tests that need a tool nobody here wrote (nginx, cgi-fcgi, Flask): skipped, loudly,
    where it is missing; on CI (CI=true) the class fails instead, naming the package to install, as the
    TypeScript side's requireTool does. A skip reason starting with "platform-specific" is the one kind CI
    allows (see scripts/lib/test-suites.mjs); a missing tool is never that."""
    if available:
        return lambda cls: cls
    if IN_CI:
        def fail_on_ci(cls):
            def setUpClass(klass):
                raise AssertionError('%s on CI: install %s (see .ci/run)' % (reason, install))
            cls.setUpClass = classmethod(setUpClass)
            return cls
        return fail_on_ci
    sys.stderr.write('\n*** SKIPPING: %s (install %s). These tests did NOT run. ***\n' % (reason, install))
    return unittest.skip(reason)


class _Collector(object):
    """Drains a pipe on a thread so the child never blocks on it; lets a test wait for content."""

    def __init__(self, fd):
        self.fd = fd
        self.data = bytearray()
        self.cond = threading.Condition()
        self.eof = False
        t = threading.Thread(target=self._run)
        t.daemon = True
        t.start()

    def _run(self):
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                chunk = b''
            with self.cond:
                if not chunk:
                    self.eof = True
                    self.cond.notify_all()
                    break
                self.data += chunk
                self.cond.notify_all()
        try:
            os.close(self.fd)
        except OSError:
            pass

    def wait_for(self, needle, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        with self.cond:
            while needle not in self.data:
                left = deadline - time.monotonic()
                if self.eof or left <= 0:
                    return False
                self.cond.wait(left)
            return True

    def wait_eof(self, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not self.eof:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
            return True

    def text(self):
        with self.cond:
            return bytes(self.data).decode('utf-8', 'replace')


class Worker(object):
    def __init__(self, app, threads=1, args=(), chdir=FIXTURES, listen=None, env=None, wait_ready=True,
                 python=None, stdin_socket=False, drain_control=True):
        self.tmp = tempfile.mkdtemp(prefix='gantry-w-')
        self.sock_path = os.path.join(self.tmp, 'w.sock')
        self.listen = listen or ('unix:' + self.sock_path)
        cmd = [python or sys.executable, '-u', LAUNCHER, '--app', app, '--listen', self.listen,
               '--threads', str(threads)]
        if chdir:
            cmd += ['--chdir', chdir]
        cmd += list(args)
        if stdin_socket:
            a, b = socket.socketpair()
            r0, self.stdin_w = a.detach(), b.detach()
        else:
            r0, self.stdin_w = os.pipe()
        self.ctl_r, w3 = os.pipe()
        self.fault_r, w4 = os.pipe()
        e = dict(os.environ)
        e['PYTHONUNBUFFERED'] = '1'
        e.pop('PYTHONPATH', None)
        if env:
            e.update(env)

        def to_fds():
            # Put the pipes at fd 3 and 4 in the child (pass_fds cannot renumber).
            a, b = os.dup(w3), os.dup(w4)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(cmd, stdin=r0, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     preexec_fn=to_fds, close_fds=False, env=e, cwd=self.tmp)
        for fd in (r0, w3, w4):
            os.close(fd)
        self.stdout = _Collector(os.dup(self.proc.stdout.fileno()))
        self.stderr = _Collector(os.dup(self.proc.stderr.fileno()))
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.fault = _Collector(self.fault_r)
        # drain_control=False plays a gateway that stopped reading fd 3 (never waits for ready).
        self.ctl = _Collector(self.ctl_r) if drain_control else None
        self._parsed = []
        self._taken = set()
        if wait_ready and self.ctl is not None:
            msg = self.wait_message('ready')
            if msg is None:
                self.close()
                raise AssertionError('worker did not become ready; exit=%r stderr:\n%s' % (
                    self.proc.poll(), self.stderr.text()))
            self.ready = msg

    # --- control channel ---
    def _parse_messages(self):
        data = bytes(self.ctl.data)
        lines = data.split(b'\n')[:-1]
        while len(self._parsed) < len(lines):
            self._parsed.append(json.loads(lines[len(self._parsed)].decode('utf-8')))

    def wait_message(self, mtype, timeout=TIMEOUT):
        """The first control message of this type not yet taken by an earlier wait (messages are
        drained continuously, as the gateway does, so the worker never blocks on fd 3)."""
        deadline = time.monotonic() + timeout
        with self.ctl.cond:
            while True:
                self._parse_messages()
                for i, m in enumerate(self._parsed):
                    if m.get('type') == mtype and i not in self._taken:
                        self._taken.add(i)
                        return m
                left = deadline - time.monotonic()
                if self.ctl.eof or left <= 0:
                    return None
                self.ctl.cond.wait(left)

    @property
    def messages(self):
        with self.ctl.cond:
            self._parse_messages()
            return list(self._parsed)

    # --- FastCGI ---
    def connect(self):
        if self.listen.startswith('unix:'):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.listen[5:])
        else:
            host, _, port = self.listen.rpartition(':')
            s = socket.create_connection((host, int(port)))
        s.settimeout(TIMEOUT)
        return FcgiConn(s)

    def request(self, path='/', **kw):
        c = self.connect()
        try:
            return c.request(path, **kw)
        finally:
            c.close()

    # --- lifecycle ---
    def wait_exit(self, timeout=TIMEOUT):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self):
        if self.stdin_w is not None:
            try:
                os.close(self.stdin_w)
            except OSError:
                pass
            self.stdin_w = None
        if self.wait_exit(10) is None:
            self.proc.kill()
            self.proc.wait()
        self.stdout.wait_eof(5)
        self.stderr.wait_eof(5)
        if self.ctl is not None:
            self.ctl.wait_eof(5)
        else:
            os.close(self.ctl_r)
        shutil.rmtree(self.tmp, ignore_errors=True)


def params_for(path, method='GET', query='', headers=None, body=b'', extra=None, raw_path=None):
    p = [
        ('REQUEST_METHOD', method), ('SCRIPT_NAME', ''), ('PATH_INFO', path if raw_path is None else raw_path),
        ('QUERY_STRING', query), ('REQUEST_URI', path + ('?' + query if query else '')),
        ('SERVER_PROTOCOL', 'HTTP/1.1'), ('SERVER_NAME', 'localhost'), ('SERVER_PORT', '8000'),
        ('REMOTE_ADDR', '127.0.0.1'), ('REMOTE_PORT', '50000'), ('HTTP_HOST', 'localhost:8000'),
        ('HTTP_X_REQUEST_ID', 'req-test-1'),
    ]
    if body or method in ('POST', 'PUT'):
        p.append(('CONTENT_LENGTH', str(len(body))))
        p.append(('CONTENT_TYPE', 'application/octet-stream'))
    for k, v in (headers or {}).items():
        p.append((k, v))
    for k, v in (extra or []):
        p.append((k, v))
    return p


class Response(object):
    def __init__(self):
        self.stdout = bytearray()
        self.stderr = bytearray()
        self.out = bytearray()  # GANTRY_STDOUT: the app's sys.stdout during the request (--request-stdout)
        self.app_status = None
        self.protocol_status = None
        self.stdout_closed = False
        self.records = []

    @property
    def ended(self):
        return self.app_status is not None

    def split(self):
        head, sep, body = bytes(self.stdout).partition(b'\r\n\r\n')
        if not sep:
            raise AssertionError('no header block in %r' % bytes(self.stdout[:200]))
        lines = head.decode('latin-1').split('\r\n')
        headers = [tuple(l.split(': ', 1)) for l in lines]
        status = dict((k.lower(), v) for k, v in headers).get('status')
        return status, headers, body

    @property
    def status(self):
        return self.split()[0]

    @property
    def body(self):
        return self.split()[2]

    def header(self, name):
        for k, v in self.split()[1]:
            if k.lower() == name.lower():
                return v
        return None


class FcgiConn(object):
    def __init__(self, sock):
        self.sock = sock
        self.parser = fastcgi.RecordParser()
        self.responses = {}
        self.other = []  # management records

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        self.sock.sendall(data)

    def begin(self, rid, params, keep=True, role=fastcgi.RESPONDER):
        self.responses[rid] = Response()
        data = fastcgi.encode_begin_request(rid, role, fastcgi.KEEP_CONN if keep else 0)
        data += fastcgi.encode_stream(fastcgi.PARAMS, rid, fastcgi.encode_pairs(params))
        data += fastcgi.end_stream(fastcgi.PARAMS, rid)
        self.send(data)

    def stdin(self, rid, data, end=True):
        out = fastcgi.encode_stream(fastcgi.STDIN, rid, data) if data else b''
        if end:
            out += fastcgi.end_stream(fastcgi.STDIN, rid)
        if out:
            self.send(out)

    def abort(self, rid):
        self.send(fastcgi.encode_record(fastcgi.ABORT_REQUEST, rid))

    def pump(self):
        """Read once from the socket and file the records; False on EOF."""
        data = self.sock.recv(262144)
        if not data:
            return False
        for rtype, rid, content in self.parser.feed(data):
            r = self.responses.get(rid)
            if rid == 0 or r is None:
                self.other.append((rtype, rid, content))
                continue
            r.records.append((rtype, content))
            if rtype == fastcgi.STDOUT:
                if content:
                    r.stdout += content
                else:
                    r.stdout_closed = True
            elif rtype == fastcgi.STDERR:
                r.stderr += content
            elif rtype == fastcgi.GANTRY_STDOUT:
                r.out += content
            elif rtype == fastcgi.END_REQUEST:
                r.app_status, r.protocol_status = fastcgi.decode_end_request(content)
        return True

    def wait(self, cond):
        while not cond():
            if not self.pump():
                raise EOFError('worker closed the connection')

    def wait_end(self, rid):
        r = self.responses[rid]
        self.wait(lambda: r.ended)
        return r

    def request(self, path='/', method='GET', query='', headers=None, body=b'', rid=1, keep=True,
                extra=None, raw_path=None, chunks=None):
        if chunks is None:
            params = params_for(path, method, query, headers, body, extra, raw_path)
        else:
            params = self._chunk_params(path, method, query, headers, chunks, extra)
        self.begin(rid, params, keep)
        if chunks is None:
            self.stdin(rid, body)
        else:
            for c in chunks:
                self.stdin(rid, c, end=False)
            self.stdin(rid, b'')
        return self.wait_end(rid)

    @staticmethod
    def _chunk_params(path, method, query, headers, chunks, extra):
        p = params_for(path, method, query, headers, b'', extra)
        p = [kv for kv in p if kv[0] not in ('CONTENT_LENGTH', 'CONTENT_TYPE')]
        p.append(('CONTENT_LENGTH', str(sum(len(c) for c in chunks))))
        return p

    def management(self, record):
        self.send(record)
        self.wait(lambda: self.other)
        return self.other.pop(0)

# White-box tests of the worker's pieces that the end-to-end tests reach only indirectly:
# environ building edge cases, wsgi.input buffering and back-pressure, the app loader's parser.
import os
import threading
import unittest

from harness import fastcgi  # noqa: F401  (puts app/ on sys.path)
from gantry_wsgi import wsgi_input
from gantry_wsgi.control import BootError
from gantry_wsgi.environ import build_environ, make_base
from gantry_wsgi.loader import parse_spec

BASE = make_base(False, '', object)


def env_of(pairs, script_name=''):
    return build_environ(BASE, fastcgi.encode_pairs(pairs), script_name)


class EnvironTest(unittest.TestCase):
    def test_https_values(self):
        for value, scheme in (('on', 'https'), ('ON', 'https'), ('1', 'https'), ('off', 'http'), ('', 'http')):
            with self.subTest(value):
                env, _ = env_of([('HTTPS', value), ('PATH_INFO', '/')])
                self.assertEqual(env['wsgi.url_scheme'], scheme)

    def test_bad_content_length_is_dropped(self):
        for value in ('abc', '-1', ''):
            with self.subTest(value):
                env, cl = env_of([('CONTENT_LENGTH', value), ('PATH_INFO', '/')])
                self.assertIsNone(cl)
                self.assertNotIn('CONTENT_LENGTH', env)
        env, cl = env_of([('CONTENT_LENGTH', '12'), ('PATH_INFO', '/')])
        self.assertEqual((cl, env['CONTENT_LENGTH']), (12, '12'))

    def test_derived_path_info(self):
        cases = [
            ('/a%20b?x=1', '', '', '/a b'),
            ('/%C3%A9', '', '', '/\u00c3\u00a9'),  # UTF-8 bytes as latin-1 chars (PEP 3333)
            ('http://example.com/abs/path?q', '', '', '/abs/path'),
            ('/mnt/app/x', '/mnt/app', '/mnt/app', '/x'),
        ]
        for uri, option, script, path in cases:
            with self.subTest(uri):
                env, _ = env_of([('REQUEST_URI', uri), ('SCRIPT_NAME', '/ignored.php')], option)
                self.assertEqual((env['SCRIPT_NAME'], env['PATH_INFO']), (script, path))

    def test_raw_uri_is_the_request_target(self):
        # gunicorn's name for it; a server that sends its own RAW_URI keeps it; none without REQUEST_URI.
        env, _ = env_of([('REQUEST_URI', '/a%2Fb?x=%20'), ('PATH_INFO', '/a/b')])
        self.assertEqual((env['RAW_URI'], env['REQUEST_URI']), ('/a%2Fb?x=%20', '/a%2Fb?x=%20'))
        env, _ = env_of([('REQUEST_URI', '/x'), ('RAW_URI', '/raw'), ('PATH_INFO', '/x')])
        self.assertEqual(env['RAW_URI'], '/raw')
        env, _ = env_of([('PATH_INFO', '/x')])
        self.assertNotIn('RAW_URI', env)

    def test_script_name_option_strips_prefix(self):
        env, _ = env_of([('PATH_INFO', '/mnt/x'), ('SCRIPT_NAME', '')], '/mnt')
        self.assertEqual((env['SCRIPT_NAME'], env['PATH_INFO']), ('/mnt', '/x'))
        env, _ = env_of([('PATH_INFO', '/mntx'), ('SCRIPT_NAME', '')], '/mnt')
        self.assertEqual(env['PATH_INFO'], '/mntx')

    def test_truncated_params_raise(self):
        with self.assertRaises(ValueError):
            build_environ(BASE, fastcgi.encode_pairs([('NAME', 'value')])[:-2], '')
        with self.assertRaises(ValueError):
            build_environ(BASE, b'\x80\x00', '')

    def test_base_not_mutated(self):
        before = dict(BASE)
        env_of([('HTTPS', 'on'), ('PATH_INFO', '/'), ('X', 'y')])
        self.assertEqual(BASE, before)


class InlineInputTest(unittest.TestCase):
    def make(self, chunks, length=None):
        chunks = list(chunks)
        inp = None

        def pump():
            if chunks:
                inp.feed(chunks.pop(0))
            else:
                inp.finish()
        inp = wsgi_input.InlineInput(length, pump)
        return inp

    def test_read_exact_across_chunks(self):
        inp = self.make([b'ab', b'cde', b'f'])
        self.assertEqual(inp.read(4), b'abcd')
        self.assertEqual(inp.read(4), b'ef')
        self.assertEqual(inp.read(4), b'')

    def test_limit_by_content_length(self):
        inp = self.make([b'abc', b'defgh'], length=5)
        self.assertEqual(inp.read(), b'abcde')
        self.assertEqual(inp.read(), b'')
        self.assertEqual(inp.readline(), b'')

    def test_readline_limits(self):
        inp = self.make([b'ab', b'c\nde', b'f\n', b'g'])
        self.assertEqual(inp.readline(2), b'ab')
        self.assertEqual(inp.readline(), b'c\n')
        self.assertEqual(inp.readline(0), b'')
        self.assertEqual(list(inp), [b'def\n', b'g'])

    def test_abort_raises(self):
        inp = wsgi_input.InlineInput(None, lambda: inp.abort())
        with self.assertRaises(wsgi_input.ClientDisconnected):
            inp.read(1)
        self.assertIsInstance(wsgi_input.ClientDisconnected('x'), OSError)


class ThreadedInputTest(unittest.TestCase):
    def test_back_pressure_blocks_feeder_until_read(self):
        inp = wsgi_input.ThreadedInput(None)
        big = b'x' * wsgi_input.MAX_BUFFERED
        inp.feed(big)  # fills the buffer
        fed = threading.Event()

        def feeder():
            inp.feed(b'more')
            fed.set()
            inp.finish()
        t = threading.Thread(target=feeder)
        t.start()
        self.assertFalse(fed.wait(0.2))  # blocked while the buffer is full
        self.assertEqual(len(inp.read(len(big))), len(big))
        self.assertTrue(fed.wait(10))
        self.assertEqual(inp.read(), b'more')
        t.join(10)

    def test_release_unblocks_feeder(self):
        inp = wsgi_input.ThreadedInput(None)
        inp.feed(b'x' * wsgi_input.MAX_BUFFERED)
        t = threading.Thread(target=inp.feed, args=(b'y',))
        t.start()
        inp.release()
        t.join(10)
        self.assertFalse(t.is_alive())

    def test_abort_wakes_reader(self):
        inp = wsgi_input.ThreadedInput(None)
        errors = []

        def reader():
            try:
                inp.read(10)
            except wsgi_input.ClientDisconnected as e:
                errors.append(e)
        t = threading.Thread(target=reader)
        t.start()
        inp.abort()
        t.join(10)
        self.assertEqual(len(errors), 1)


class SpecTest(unittest.TestCase):
    def test_forms(self):
        self.assertEqual(parse_spec('mod'), ('mod', 'application', None, None))
        self.assertEqual(parse_spec('pkg.mod:app'), ('pkg.mod', 'app', None, None))
        self.assertEqual(parse_spec('m:obj.wsgi'), ('m', 'obj.wsgi', None, None))
        self.assertEqual(parse_spec('m:create_app()'), ('m', 'create_app', [], {}))
        self.assertEqual(parse_spec("m:make('a', 2, debug=True)"), ('m', 'make', ['a', 2], {'debug': True}))

    def test_bad_specs(self):
        self.assertEqual(parse_spec('m:')[1], 'application')
        for spec in ('', ':app', 'm:f(open("x"))', 'm:1abc', 'a b:c'):
            with self.subTest(spec):
                with self.assertRaises(BootError):
                    parse_spec(spec)


if __name__ == '__main__':
    unittest.main()


class _FakeSock(object):
    def __init__(self):
        self.sent = []

    def sendall(self, data):
        self.sent.append(data)

    def fileno(self):
        return -1

    def setsockopt(self, level, option, value):
        pass


class HotPathTest(unittest.TestCase):
    def test_request_leaves_no_cyclic_garbage(self):
        import gc
        import socket
        from gantry_wsgi.connection import Connection
        from gantry_wsgi.control import Control
        from gantry_wsgi.server import Server
        from harness import params_for

        def app(environ, start_response):
            environ['wsgi.errors'].write('')
            start_response('200 OK', [('Content-Type', 'text/plain')])
            return [b'hi']
        listener = socket.socket()
        srv = Server(app, listener, '127.0.0.1:0', 1, '', 0, Control(None))
        try:
            conn = Connection(_FakeSock(), srv)
            data = (fastcgi.encode_begin_request(1)
                    + fastcgi.encode_stream(fastcgi.PARAMS, 1, fastcgi.encode_pairs(params_for('/')))
                    + fastcgi.end_stream(fastcgi.PARAMS, 1) + fastcgi.end_stream(fastcgi.STDIN, 1))
            gc.collect()
            gc.disable()
            try:
                for _ in range(50):
                    conn._records(data)
                    conn._run_ready()
                self.assertEqual(gc.collect(), 0)
            finally:
                gc.enable()
            # One sendall per request: headers, body, end of stream and END_REQUEST together.
            self.assertEqual(len(conn.sock.sent), 50)
            recs = fastcgi.parse_all(conn.sock.sent[0])
            self.assertEqual([t for t, _, _ in recs], [fastcgi.STDOUT, fastcgi.STDOUT, fastcgi.END_REQUEST])
        finally:
            listener.close()
            os.close(srv._wake_r)
            os.close(srv._wake_w)


class FdCaptureSupportTest(unittest.TestCase):
    """fd-level capture needs POSIX pipes and poll/epoll; where there are none (Windows) the worker still
    boots with --request-stdout and attributes what goes through sys.stdout/sys.stderr only."""

    def test_without_poll_or_epoll_it_is_not_supported(self):
        import select
        from unittest import mock
        from gantry_wsgi import fdcapture

        self.assertTrue(fdcapture.supported())  # this box: Linux
        with mock.patch.dict(select.__dict__):
            for name in ('epoll', 'poll'):
                select.__dict__.pop(name, None)
            self.assertFalse(fdcapture.supported())
        with mock.patch.object(os, 'name', 'nt'):
            self.assertFalse(fdcapture.supported())

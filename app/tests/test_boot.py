# Boot: the ready handshake, app spec forms, and boot failures with their codes and exit statuses
# (3 = GANTRY_ERR_WORKER_BOOT, 4 = GANTRY_ERR_APP_IMPORT / GANTRY_ERR_APP_NOT_FOUND).
import ast
import os
import sys
import unittest

from harness import APP_DIR, Worker


class BootFailureTest(unittest.TestCase):
    def boot_fail(self, app, args=(), listen=None, chdir=None):
        kw = {'chdir': chdir} if chdir is not None else {}
        w = Worker(app, args=args, listen=listen, wait_ready=False, **kw)
        try:
            msg = w.wait_message('boot_error')
            code = w.wait_exit()
            return msg, code, w
        finally:
            w.close()

    def test_import_error_exits_4_with_traceback(self):
        msg, code, w = self.boot_fail('broken_import:application')
        self.assertEqual(code, 4)
        self.assertEqual(msg['code'], 'GANTRY_ERR_APP_IMPORT')
        self.assertIn('missing_dependency_xyz', msg['message'])
        self.assertIn('Traceback (most recent call last)', msg['traceback'])
        self.assertIn('broken_import.py', msg['traceback'])
        self.assertIn('missing_dependency_xyz', w.stderr.text())

    def test_missing_module_exits_4(self):
        msg, code, _ = self.boot_fail('no_such_module_abc:application')
        self.assertEqual((code, msg['code']), (4, 'GANTRY_ERR_APP_IMPORT'))
        self.assertIn('no_such_module_abc', msg['message'])

    def test_missing_attribute_exits_4(self):
        msg, code, _ = self.boot_fail('pep_app:nope')
        self.assertEqual((code, msg['code']), (4, 'GANTRY_ERR_APP_NOT_FOUND'))
        self.assertIn('nope', msg['message'])

    def test_not_callable_exits_4(self):
        msg, code, _ = self.boot_fail('pep_app:not_callable')
        self.assertEqual((code, msg['code']), (4, 'GANTRY_ERR_APP_NOT_FOUND'))

    def test_failing_factory_exits_4(self):
        msg, code, _ = self.boot_fail('pep_app:create_app(1, 2, 3)')
        self.assertEqual((code, msg['code']), (4, 'GANTRY_ERR_APP_IMPORT'))
        self.assertIn('TypeError', msg['traceback'])

    def test_bad_listen_exits_3(self):
        for listen in ('nonsense', 'unix:/nonexistent-dir-gantry/x.sock', '127.0.0.1:99999'):
            with self.subTest(listen):
                msg, code, _ = self.boot_fail('pep_app:application', listen=listen)
                self.assertEqual((code, msg['code']), (3, 'GANTRY_ERR_WORKER_BOOT'))

    def test_port_in_use_exits_3(self):
        import socket
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        s.listen(1)
        try:
            msg, code, _ = self.boot_fail('pep_app:application', listen='127.0.0.1:%d' % s.getsockname()[1])
        finally:
            s.close()
        self.assertEqual((code, msg['code']), (3, 'GANTRY_ERR_WORKER_BOOT'))

    def test_bad_arguments_exit_3(self):
        for args in (['--threads', '0'], ['--bogus'], ['--max-requests', 'x'], ['--script-name', 'noslash']):
            with self.subTest(args):
                msg, code, _ = self.boot_fail('pep_app:application', args=args)
                self.assertEqual((code, msg['code']), (3, 'GANTRY_ERR_WORKER_BOOT'))

    def test_bad_chdir_exits_3(self):
        msg, code, _ = self.boot_fail('pep_app:application', chdir='/nonexistent-gantry-dir')
        self.assertEqual((code, msg['code']), (3, 'GANTRY_ERR_WORKER_BOOT'))


class BootTest(unittest.TestCase):
    def test_ready_message(self):
        w = Worker('pep_app:application', threads=3, args=['--worker-id', '7'])
        try:
            self.assertEqual(w.ready['pid'], w.proc.pid)
            self.assertEqual(w.ready['threads'], 3)
            self.assertEqual(w.ready['workerId'], '7')
            self.assertEqual(w.ready['python'], '%d.%d.%d' % sys.version_info[:3])
            self.assertTrue(w.ready['executable'])
        finally:
            w.close()

    def test_factory_call_syntax(self):
        for spec, want in (('pep_app:create_app()', b'from factory'), ("pep_app:create_app('x')", b'from x'),
                           ("pep_app:create_app(label='kw')", b'from kw')):
            with self.subTest(spec):
                w = Worker(spec)
                try:
                    self.assertEqual(w.request('/').body, want)
                finally:
                    w.close()

    def test_module_alone_means_application(self):
        w = Worker('hello', chdir=os.path.join(APP_DIR, 'examples', 'hello'))
        try:
            r = w.request('/json')
            self.assertEqual(r.status, '200 OK')
            self.assertIn(b'Hello from Gantry', r.body)
        finally:
            w.close()

    def test_pythonpath_and_script_name(self):
        w = Worker('hello:application', chdir=None, args=['--pythonpath', os.path.join(APP_DIR, 'examples', 'hello'),
                                                         '--script-name', '/mnt'])
        try:
            r = w.request('/mnt/json')
            self.assertEqual(r.status, '200 OK')
            self.assertIn(b'"path": "/json"', r.body)
            self.assertIn(b'href="/mnt/json"', w.request('/mnt/').body)
        finally:
            w.close()


class SourceCompatTest(unittest.TestCase):
    def test_worker_sources_parse_as_python_38(self):
        for root, _, files in os.walk(APP_DIR):
            for name in files:
                if name.endswith('.py'):
                    path = os.path.join(root, name)
                    with open(path, encoding='utf-8') as f:
                        src = f.read()
                    with self.subTest(path):
                        ast.parse(src, path, feature_version=(3, 8))


if __name__ == '__main__':
    unittest.main()

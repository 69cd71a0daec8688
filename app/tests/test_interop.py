# Interop: the worker against a FastCGI client nobody here wrote (cgi-fcgi from libfcgi), and
# under Debian's /usr/bin/python3 with a real Flask app.
import os
import shutil
import subprocess
import unittest

from harness import APP_DIR, TIMEOUT, Worker, free_port, requires

CGI_FCGI = shutil.which('cgi-fcgi')
SYSTEM_PYTHON = '/usr/bin/python3'


def system_python_has(module):
    if not os.path.exists(SYSTEM_PYTHON):
        return False
    return subprocess.call([SYSTEM_PYTHON, '-c', 'import ' + module], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL) == 0


def cgi_fcgi(port, method, uri, body=b''):
    """One request through libfcgi's cgi-fcgi: (response head, body, what cgi-fcgi wrote to stderr)."""
    path, _, query = uri.partition('?')
    env = {'REQUEST_METHOD': method, 'REQUEST_URI': uri, 'QUERY_STRING': query, 'SERVER_NAME': 'localhost',
           'SERVER_PORT': '80', 'SERVER_PROTOCOL': 'HTTP/1.1', 'PATH': os.environ.get('PATH', '')}
    if body:
        env['CONTENT_LENGTH'] = str(len(body))
        env['CONTENT_TYPE'] = 'text/plain'
    p = subprocess.run([CGI_FCGI, '-bind', '-connect', '127.0.0.1:%d' % port], input=body, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    head, _, payload = p.stdout.partition(b'\r\n\r\n')
    return head.decode('latin-1'), payload, p.stderr


@requires(CGI_FCGI, 'cgi-fcgi not installed', 'libfcgi-bin')
class CgiFcgiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        cls.w = Worker('hello:application', threads=2, listen='127.0.0.1:%d' % cls.port,
                       chdir=os.path.join(APP_DIR, 'examples', 'hello'))

    @classmethod
    def tearDownClass(cls):
        cls.w.close()

    def cgi(self, method, uri, body=b''):
        return cgi_fcgi(self.port, method, uri, body)

    def test_home_page(self):
        head, body, _ = self.cgi('GET', '/')
        self.assertIn('Status: 200 OK', head)
        self.assertIn(b'Hello from Gantry', body)

    def test_json_and_query(self):
        head, body, _ = self.cgi('GET', '/json?x=1')
        self.assertIn('Content-Type: application/json', head)
        self.assertIn(b'"x": [\n      "1"', body)

    def test_post_echo(self):
        head, body, _ = self.cgi('POST', '/echo', b'echo me through libfcgi')
        self.assertIn('Status: 200 OK', head)
        self.assertEqual(body, b'echo me through libfcgi')

    def test_error_traceback_on_stderr(self):
        head, body, err = self.cgi('GET', '/error')
        self.assertIn('Status: 500', head)
        self.assertIn(b'RuntimeError', err)


@requires(CGI_FCGI, 'cgi-fcgi not installed', 'libfcgi-bin')
class CgiFcgiPrintingAppTest(unittest.TestCase):
    """An app that prints, behind a peer that knows nothing of Gantry's GANTRY_STDOUT records: the worker
    is started as such a peer starts it (no --request-stdout), FCGI_STDOUT is the response alone, and what
    the app printed is the worker's own stdout."""

    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        cls.w = Worker('stdout_app:application', threads=2, listen='127.0.0.1:%d' % cls.port)

    @classmethod
    def tearDownClass(cls):
        cls.w.close()

    def test_response_is_clean_and_print_reaches_fd_1(self):
        head, body, err = cgi_fcgi(self.port, 'GET', '/print?t=viacgi')
        self.assertIn('Status: 200 OK', head)
        self.assertEqual(body, b'body-viacgi')
        self.assertEqual(err, b'')
        self.assertTrue(self.w.stdout.wait_for(b'line one viacgi\na-b-c\npartial viacgi\n'), self.w.stdout.text())


@requires(system_python_has('flask'), 'Flask not installed for /usr/bin/python3', 'python3-flask')
class FlaskOnSystemPythonTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.w = Worker('flask_app:create_app()', threads=2, python=SYSTEM_PYTHON)

    @classmethod
    def tearDownClass(cls):
        cls.w.close()

    def test_json(self):
        self.assertEqual(self.w.ready['executable'], SYSTEM_PYTHON)
        r = self.w.request('/json', extra=[('HTTPS', 'on')])
        self.assertEqual(r.status, '200 OK')
        self.assertIn(b'"scheme":"https"', r.body.replace(b' ', b''))

    def test_form_post(self):
        body = b'name=gantry'
        r = self.w.request('/form', method='POST', body=body,
                           extra=[('CONTENT_TYPE', 'application/x-www-form-urlencoded')])
        self.assertEqual(r.body, b'name=gantry')

    def test_error(self):
        r = self.w.request('/boom')
        self.assertTrue(r.status.startswith('500'))
        self.assertIn(b'flask boom', r.stderr)


if __name__ == '__main__':
    unittest.main()

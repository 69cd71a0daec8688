# Interop with nginx's FastCGI client (fastcgi_pass, fastcgi_keep_conn, stock fastcgi_params):
# HTTP in through nginx, FastCGI to the worker running the hello example.
import http.client
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import APP_DIR, TIMEOUT, Worker, _Collector, free_port, requires

NGINX = shutil.which('nginx') or ('/usr/sbin/nginx' if os.path.exists('/usr/sbin/nginx') else None)
FASTCGI_PARAMS = '/etc/nginx/fastcgi_params'

CONF = """
daemon off;
worker_processes 1;
error_log stderr notice;
pid {tmp}/nginx.pid;
{user}
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  fastcgi_temp_path {tmp}/fcgi;
  proxy_temp_path {tmp}/proxy;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  upstream gantry {{ server 127.0.0.1:{wport}; keepalive 4; }}
  server {{
    listen 127.0.0.1:{nport};
    client_max_body_size 64m;
    location / {{
      include {params};
      fastcgi_pass gantry;
      fastcgi_keep_conn on;
      fastcgi_buffering off;
      fastcgi_request_buffering off;
    }}
  }}
}}
"""


@requires(NGINX and os.path.exists(FASTCGI_PARAMS), 'nginx not installed', 'nginx-light')
class NginxTest(unittest.TestCase):
    threads = 2

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='gantry-nginx-')
        wport, cls.nport = free_port(), free_port()
        cls.w = Worker('hello:application', threads=cls.threads, listen='127.0.0.1:%d' % wport,
                       chdir=os.path.join(APP_DIR, 'examples', 'hello'))
        conf = os.path.join(cls.tmp, 'nginx.conf')
        with open(conf, 'w') as f:
            f.write(CONF.format(tmp=cls.tmp, wport=wport, nport=cls.nport, params=FASTCGI_PARAMS,
                                user='user root;' if os.geteuid() == 0 else ''))
        cls.nginx = subprocess.Popen([NGINX, '-e', 'stderr', '-p', cls.tmp, '-c', conf], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        cls.log = _Collector(os.dup(cls.nginx.stderr.fileno()))
        cls.nginx.stderr.close()
        if not cls.log.wait_for(b'start worker process'):
            cls.tearDownClass()
            raise AssertionError('nginx did not start:\n' + cls.log.text())

    @classmethod
    def tearDownClass(cls):
        if cls.nginx.poll() is None:
            cls.nginx.terminate()
            try:
                cls.nginx.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                cls.nginx.kill()
                cls.nginx.wait()
        cls.w.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def http(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection('127.0.0.1', self.nport, timeout=TIMEOUT)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
        finally:
            c.close()

    def test_home_and_json(self):
        status, headers, body = self.http('GET', '/')
        self.assertEqual(status, 200)
        self.assertIn(b'Hello from Gantry', body)
        status, headers, body = self.http('GET', '/json?a=b')
        self.assertEqual(headers['content-type'], 'application/json')
        self.assertIn(b'"path": "/json"', body)

    def test_percent_encoded_path_without_path_info_param(self):
        status, _, body = self.http('GET', '/%6Ason')
        self.assertEqual(status, 200)
        self.assertIn(b'"path": "/json"', body)

    def test_large_post_echo(self):
        data = os.urandom(3 << 20)
        status, _, body = self.http('POST', '/echo', body=data, headers={'Content-Type': 'application/octet-stream'})
        self.assertEqual(status, 200)
        self.assertEqual(body, data)

    def test_stream_and_error(self):
        status, headers, body = self.http('GET', '/stream')
        self.assertEqual(status, 200)
        self.assertTrue(body.endswith(b'done.\n'))
        status, _, body = self.http('GET', '/error')
        self.assertEqual(status, 500)
        self.assertTrue(self.log.wait_for(b'RuntimeError: This is /error'))

    def test_keep_conn_many_requests(self):
        for i in range(30):
            status, _, body = self.http('POST', '/echo', body=b'n%d' % i)
            self.assertEqual(body, b'n%d' % i)


class NginxInlineTest(NginxTest):
    threads = 1


if __name__ == '__main__':
    unittest.main()

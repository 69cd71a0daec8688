# --request-stdout: what the app writes to sys.stdout while a request runs is that request's output
# (GANTRY_STDOUT records), line by line, per thread; the worker's own stdout (fd 1) keeps what is
# written outside any request. Without the flag nothing changes (a foreign peer never sees the type).
import os
import subprocess
import sys
import threading
import unittest
import uuid

from harness import APP_DIR, Worker, fastcgi, params_for

STDOUT_TYPE = fastcgi.GANTRY_STDOUT


def token():
    return uuid.uuid4().hex[:10]


class _RequestStdout(object):
    threads = 1

    @classmethod
    def setUpClass(cls):
        cls.w = Worker('stdout_app:application', threads=cls.threads, args=['--request-stdout'])

    @classmethod
    def tearDownClass(cls):
        cls.w.close()

    def worker_stdout_settled(self):
        """Everything fd 1 got so far: a print from a thread outside any request is written after it."""
        t = token()
        r = self.w.request('/thread', query='t=' + t)
        self.assertEqual(r.out, ('from-request-%s\n' % t).encode())
        self.assertTrue(self.w.stdout.wait_for(('FROM-THREAD-%s' % t).encode()), self.w.stdout.text())
        return self.w.stdout.text()

    def test_print_goes_to_its_request_as_lines(self):
        t = token()
        r = self.w.request('/print', query='t=' + t)
        self.assertEqual(r.status, '200 OK')
        self.assertEqual(r.body, ('body-' + t).encode())
        self.assertEqual(r.out, ('line one %s\na-b-c\npartial %s\nw1\nw2\ntail %s' % (t, t, t)).encode())
        # One record per line (print()'s pieces are held until the line ends), the unended tail last.
        outs = [c for rtype, c in r.records if rtype == STDOUT_TYPE]
        self.assertTrue(all(c.endswith(b'\n') for c in outs[:-1]), outs)
        self.assertEqual(outs[-1], ('tail ' + t).encode())
        self.assertLessEqual(len(outs), 6, outs)
        self.assertNotIn('line one ' + t, self.worker_stdout_settled())

    def test_flush_sends_a_partial_line_at_once(self):
        t = token()
        c = self.w.connect()
        try:
            c.begin(1, params_for('/flush', method='POST', query='t=' + t, body=b'xyz'))
            r = c.responses[1]
            # The request is waiting for its body: only flush=True can have sent the line so far.
            c.wait(lambda: ('waiting-' + t).encode() in r.out)
            self.assertIsNone(r.app_status)
            c.stdin(1, b'xyz')
            c.wait_end(1)
        finally:
            c.close()
        self.assertEqual(r.out, ('waiting-%s got 3\n' % t).encode())

    def test_a_thread_the_app_starts_writes_as_the_worker(self):
        self.worker_stdout_settled()

    def test_import_time_print_is_worker_output(self):
        self.assertTrue(self.w.stdout.wait_for(b'IMPORTED-STDOUT'), self.w.stdout.text())

    def test_bytes_to_stdout_is_a_type_error_as_on_a_real_text_stream(self):
        r = self.w.request('/bytes')
        self.assertTrue(r.status.startswith('500'), r.status)
        self.assertIn(b'TypeError: write() argument must be str, not bytes', r.stderr)
        self.assertEqual(r.out, b'')


    def test_output_written_past_sys_stdout_goes_to_its_request(self):
        # os.write to fds 1 and 2 and what a subprocess prints, while this request is the only one running.
        t = token()
        r = self.w.request('/fd', query='t=' + t)
        self.assertEqual(r.body, ('fd ' + t).encode())
        self.assertEqual(r.out, ('fd-out %s\necho %s\nlast %s' % (t, t, t)).encode())
        self.assertEqual(r.stderr, ('fd-err %s\nsh-err %s\n' % (t, t)).encode())
        self.assertNotIn('fd-out ' + t, self.worker_stdout_settled())
        self.assertNotIn(('sh-err ' + t).encode(), self.w.stderr.text().encode())

    def test_a_subprocess_writing_more_than_a_pipe_holds_is_all_its_requests(self):
        r = self.w.request('/fd-big', query='n=40000')
        self.assertEqual(r.body, b'big')
        self.assertEqual(r.out, b'fd-line\n' * 40000)

    def test_fd_output_after_the_gateway_aborted_the_request_is_the_workers(self):
        # The gateway drops what an aborted request sends: the line must reach the worker's fd 2 instead.
        t = token()
        c = self.w.connect()
        try:
            c.begin(1, params_for('/fd-after-abort', method='POST', query='t=' + t, body=b'0123456789'))
            r = c.responses[1]
            c.wait(lambda: ('waiting-' + t).encode() in r.out)
            c.abort(1)
            r = c.wait_end(1)
        finally:
            c.close()
        self.assertEqual(r.app_status, 1)
        self.assertNotIn(b'after-abort', bytes(r.stderr))
        self.assertTrue(self.w.stderr.wait_for(('after-abort %s ClientDisconnected' % t).encode()), self.w.stderr.text())

    def test_a_child_that_outlives_its_request_writes_as_the_worker(self):
        t = token()
        self.assertEqual(self.w.request('/spawn', query='t=' + t).body, b'spawned')
        # The child prints while /release runs alone: it is still not /release's output.
        r = self.w.request('/release', query='t=' + t)
        self.assertEqual(r.body, b'released')
        self.assertEqual(r.out, b'')
        self.assertTrue(self.w.stdout.wait_for(('late ' + t).encode()), self.w.stdout.text())


class RequestStdoutInlineTest(_RequestStdout, unittest.TestCase):
    threads = 1


class RequestStdoutThreadedTest(_RequestStdout, unittest.TestCase):
    threads = 4

    def test_concurrent_requests_each_get_their_own_lines(self):
        n, parties, key = 300, 4, token()
        tags = [token() for _ in range(parties)]
        results = {}

        def one(tag):
            results[tag] = self.w.request('/lines', query='t=%s&n=%d&p=%d&k=%s' % (tag, n, parties, key))

        threads = [threading.Thread(target=one, args=(tag,)) for tag in tags]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        for tag in tags:
            r = results[tag]
            self.assertEqual(r.body, ('%s done' % tag).encode())
            self.assertEqual(r.out.decode().splitlines(), ['%s %d' % (tag, i) for i in range(n)])


    def test_fd_output_with_two_requests_running_is_the_workers(self):
        # Which of two running requests wrote to fd 1 cannot be told: neither gets the line.
        key, tags = token(), [token(), token()]
        results = {}

        def one(tag):
            results[tag] = self.w.request('/fd-together', query='t=%s&p=2&k=%s' % (tag, key))

        threads = [threading.Thread(target=one, args=(tag,)) for tag in tags]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        for tag in tags:
            self.assertEqual(results[tag].body, b'together')
            self.assertEqual(results[tag].out, b'')
            self.assertTrue(self.w.stdout.wait_for(('together ' + tag).encode()), self.w.stdout.text())


class WithoutTheFlagTest(unittest.TestCase):
    """The default (and what nginx or cgi-fcgi get): print() goes to fd 1, no GANTRY_STDOUT record."""

    @classmethod
    def setUpClass(cls):
        cls.w = Worker('stdout_app:application', threads=2)

    @classmethod
    def tearDownClass(cls):
        cls.w.close()

    def test_print_stays_on_fd_1(self):
        t = token()
        r = self.w.request('/print', query='t=' + t)
        self.assertEqual(r.body, ('body-' + t).encode())
        self.assertEqual([rt for rt, _ in r.records if rt == STDOUT_TYPE], [])
        self.assertTrue(self.w.stdout.wait_for(('partial %s' % t).encode()), self.w.stdout.text())

    def test_fd_output_stays_on_fds_1_and_2(self):
        t = token()
        r = self.w.request('/fd', query='t=' + t)
        self.assertEqual(r.body, ('fd ' + t).encode())
        self.assertEqual(r.stderr, b'')
        self.assertTrue(self.w.stdout.wait_for(('echo %s' % t).encode()), self.w.stdout.text())
        self.assertTrue(self.w.stderr.wait_for(('sh-err %s' % t).encode()), self.w.stderr.text())


class FdOutputReachesTheSupervisorTest(unittest.TestCase):
    """fds 1 and 2 are the worker's own pipes with --request-stdout: what they hold still reaches the
    original fds when the worker leaves, and when the thread reading them fails."""

    def test_what_a_failed_import_wrote_to_fd_2_reaches_stderr(self):
        w = Worker('fd_broken_import:application', args=['--request-stdout'], wait_ready=False)
        try:
            msg = w.wait_message('boot_error')
            self.assertEqual(w.wait_exit(), 4)
            self.assertEqual(msg['code'], 'GANTRY_ERR_APP_IMPORT')
            self.assertTrue(w.stderr.wait_for(b'FD-LAST-WORDS before the import failed'), w.stderr.text())
            self.assertTrue(w.stderr.wait_for(b'deliberately broken after writing to fd 2'), w.stderr.text())
        finally:
            w.close()

    def test_a_failing_reader_puts_the_original_fds_back(self):
        script = '\n'.join((
            'import os, sys, time',
            'from gantry_wsgi.fdcapture import FdCapture',
            'cap = FdCapture()',
            'def boom(timeout):',
            '    raise RuntimeError("reader broke")',
            'cap._reader.poll = boom',
            'cap.start()',
            'while not cap.restored:',  # the reader's stop() has put the fds back (not only marked itself stopped)
            '    time.sleep(0.001)',
            'os.write(1, b"fd 1 after the reader failed\\n")',
            'os.write(2, b"fd 2 after the reader failed\\n")',
        ))
        p = subprocess.run([sys.executable, '-c', script], cwd=APP_DIR, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=20, env=dict(os.environ, PYTHONPATH=APP_DIR))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, b'fd 1 after the reader failed\n')
        self.assertIn(b'RuntimeError: reader broke', p.stderr)
        self.assertTrue(p.stderr.endswith(b'fd 2 after the reader failed\n'), p.stderr)


if __name__ == '__main__':
    unittest.main()

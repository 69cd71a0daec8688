# Lifecycle: parent death (stdin EOF), graceful SIGTERM/SIGINT with a request in flight,
# SIGUSR2 stack dumps on fd 4, --max-requests, and running without fds 3/4 (by hand, nginx).
import os
import select
import signal
import socket
import subprocess
import sys
import time
import unittest
import uuid

from harness import FIXTURES, LAUNCHER, TIMEOUT, Worker, _Collector, params_for


def token():
    return uuid.uuid4().hex[:12]


def _wait_main_thread_asleep(pid):
    """Until the main thread sleeps (in its accept loop's poll), where Linux shows it (/proc)."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            with open('/proc/%d/task/%d/stat' % (pid, pid)) as f:
                if f.read().rsplit(')', 1)[1].split()[0] == 'S':
                    return
        except OSError:
            return  # no /proc: send it anyway
        time.sleep(0.01)


class LifecycleTest(unittest.TestCase):
    def test_stdin_eof_exits(self):
        w = Worker('pep_app:application')
        try:
            os.close(w.stdin_w)
            w.stdin_w = None
            self.assertIsNotNone(w.wait_exit(), 'worker outlived its parent')
        finally:
            w.close()

    def test_stdin_socketpair_eof_exits(self):
        # node's default 'pipe' stdio is a socketpair, not a pipe.
        w = Worker('pep_app:application', stdin_socket=True)
        try:
            self.assertEqual(w.request('/write').body, b'one,two,three')
            os.close(w.stdin_w)
            w.stdin_w = None
            self.assertIsNotNone(w.wait_exit(), 'worker outlived its parent')
        finally:
            w.close()

    def test_sigterm_taken_by_another_thread_still_stops(self):
        # A signal sent to the process may be delivered to any thread; the main thread, asleep in
        # poll(), must still wake up and stop. The fixture makes a non-main thread the only taker.
        w = Worker('sigmask_app:application')
        try:
            self.assertEqual(w.request('/').body, b'ok')
            _wait_main_thread_asleep(w.proc.pid)
            w.proc.send_signal(signal.SIGTERM)
            self.assertEqual(w.wait_message('stopping')['reason'], 'SIGTERM')
            self.assertEqual(w.wait_exit(), 0)
        finally:
            w.close()

    def _graceful(self, sig, threads):
        w = Worker('pep_app:application', threads=threads)
        try:
            t = token()
            c = w.connect()
            c.begin(1, params_for('/hang', 'POST', query='t=' + t, body=b'abc'))
            self.assertTrue(w.stdout.wait_for(('HANGING:%s' % t).encode()))
            w.proc.send_signal(sig)
            msg = w.wait_message('stopping')
            self.assertEqual(msg['reason'], signal.Signals(sig).name)
            # The in-flight request still completes...
            c.stdin(1, b'abc')
            r = c.wait_end(1)
            self.assertEqual(r.body, b'finished:abc')
            self.assertEqual(r.app_status, 0)
            # ...and then the worker exits 0.
            self.assertEqual(w.wait_exit(), 0)
            self.assertFalse(os.path.exists(w.sock_path))
            self.assertNotIn('KeyboardInterrupt', w.stderr.text())
            c.close()
        finally:
            w.close()

    def test_sigterm_graceful_inline(self):
        self._graceful(signal.SIGTERM, 1)

    def test_sigterm_graceful_threaded(self):
        self._graceful(signal.SIGTERM, 4)

    def test_sigint_graceful(self):
        self._graceful(signal.SIGINT, 1)

    def test_sigterm_during_boot_exits_0(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            with self.subTest(sig=sig):
                w = Worker('slow_import:application', wait_ready=False)
                try:
                    self.assertTrue(w.stdout.wait_for(b'IMPORTING-SLOWLY'))
                    w.proc.send_signal(sig)
                    self.assertEqual(w.wait_exit(), 0)
                    self.assertNotIn('KeyboardInterrupt', w.stderr.text())
                finally:
                    w.close()

    def test_stopping_worker_refuses_new_requests(self):
        w = Worker('pep_app:application', threads=2)
        try:
            t = token()
            busy, idle = w.connect(), w.connect()
            busy.begin(1, params_for('/hang', 'POST', query='t=' + t, body=b'abc'))
            self.assertTrue(w.stdout.wait_for(('HANGING:%s' % t).encode()))
            w.proc.send_signal(signal.SIGTERM)
            w.wait_message('stopping')
            idle.begin(9, params_for('/write'))
            r = idle.wait_end(9)
            self.assertEqual(r.protocol_status, 2)  # FCGI_OVERLOADED: the gateway retries elsewhere
            busy.stdin(1, b'abc')
            self.assertEqual(busy.wait_end(1).body, b'finished:abc')
            self.assertEqual(w.wait_exit(), 0)
            busy.close()
            idle.close()
        finally:
            w.close()

    def test_idle_worker_stops_at_once(self):
        w = Worker('pep_app:application')
        try:
            c = w.connect()  # an idle keep-alive connection must not hold the stop
            w.proc.send_signal(signal.SIGTERM)
            self.assertEqual(w.wait_exit(), 0)
            c.close()
        finally:
            w.close()

    def test_unread_control_pipe_never_blocks_requests(self):
        # Read the ready line, then never read fd 3 again: 200 tracebacks later every request is still
        # answered (a request never writes to fd 3; its traceback goes to its FCGI_STDERR).
        w = Worker('pep_app:application', drain_control=False, wait_ready=False)
        try:
            line = b''
            while not line.endswith(b'\n'):
                r, _, _ = select.select([w.ctl_r], [], [], TIMEOUT)
                self.assertTrue(r, 'no ready message')
                chunk = os.read(w.ctl_r, 1)
                self.assertTrue(chunk, 'worker exited: ' + w.stderr.text())
                line += chunk
            self.assertIn(b'"ready"', line)
            c = w.connect()
            for i in range(200):
                r = c.request('/error', query='t=%d' % i)
                self.assertEqual(r.status, '500 Internal Server Error')
            c.close()
        finally:
            w.close()

    def test_sigusr2_dumps_stacks_to_fd4(self):
        w = Worker('pep_app:application', threads=2)
        try:
            w.proc.send_signal(signal.SIGUSR2)
            self.assertTrue(w.fault.wait_for(b'serve_forever'), w.fault.text())
            self.assertIn('most recent call first', w.fault.text())
            self.assertEqual(w.request('/write').body, b'one,two,three')
            self.assertIsNone(w.proc.poll())
        finally:
            w.close()

    def test_max_requests(self):
        for threads in (1, 4):
            with self.subTest(threads=threads):
                w = Worker('pep_app:application', threads=threads, args=['--max-requests', '3'])
                try:
                    c = w.connect()
                    for i in range(3):
                        self.assertEqual(c.request('/write', rid=1).body, b'one,two,three')
                    self.assertEqual(w.wait_message('stopping')['reason'], 'max-requests')
                    self.assertEqual(w.wait_exit(), 0)
                    c.close()
                finally:
                    w.close()

    def test_runs_without_control_fds(self):
        # As under nginx or by hand: no fd 3/4, stdin not a pipe, TCP listen.
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
        s.close()
        # fd 0 is a listening socket, as spawn-fcgi leaves it: not a lifeline, must not stop the worker.
        ls = socket.socket()
        ls.bind(('127.0.0.1', 0))
        ls.listen(1)
        p = subprocess.Popen([sys.executable, '-u', LAUNCHER, '--app', 'pep_app', '--listen', '127.0.0.1:%d' % port,
                              '--chdir', FIXTURES], stdin=ls.fileno(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        ls.close()
        err = _Collector(os.dup(p.stderr.fileno()))
        p.stderr.close()
        try:
            self.assertTrue(err.wait_for(b'serving pep_app on'), err.text())
            from harness import FcgiConn
            conn = FcgiConn(socket.create_connection(('127.0.0.1', port), timeout=TIMEOUT))
            self.assertEqual(conn.request('/write').body, b'one,two,three')
            self.assertEqual(conn.request('/write').body, b'one,two,three')
            self.assertIsNone(p.poll())
            conn.close()
            p.send_signal(signal.SIGTERM)
            self.assertEqual(p.wait(TIMEOUT), 0)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()


if __name__ == '__main__':
    unittest.main()

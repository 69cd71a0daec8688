# A seeded random mix of everything a gateway can do at once — plain requests, uploads,
# multiplexed ids, aborts mid-stream, app errors — on several connections to one threaded worker
# and one inline worker. Every request must end exactly once, correctly, and the worker stay clean.
import os
import random
import signal
import threading
import unittest

from harness import Worker, fastcgi, params_for


def _client(w, seed, iterations, errors):
    rnd = random.Random(seed)
    c = w.connect()
    try:
        for i in range(iterations):
            kind = rnd.choice(('get', 'echo', 'mpx', 'abort', 'error', 'hangup'))
            if kind == 'get':
                r = c.request('/write', rid=1)
                assert r.body == b'one,two,three', r.stdout
            elif kind == 'echo':
                body = os.urandom(rnd.choice((0, 10, 5000, 70000, 200000)))
                pieces = [body[j:j + 30000] for j in range(0, len(body), 30000)] or [b'']
                r = c.request('/echo', method='POST', chunks=pieces, rid=2)
                assert r.body == body, (len(r.body), len(body))
            elif kind == 'mpx':
                ids = rnd.sample(range(3, 40), rnd.choice((2, 3)))
                bodies = dict((rid, os.urandom(rnd.choice((1, 100, 3000)))) for rid in ids)
                for rid in ids:
                    c.begin(rid, params_for('/echo', 'POST', body=bodies[rid]))
                for rid in ids:
                    c.stdin(rid, bodies[rid])
                for rid in ids:
                    r = c.wait_end(rid)
                    assert r.body == bodies[rid], rid
            elif kind == 'abort':
                c.begin(50, params_for('/close-raw', query='forever=1&t=stress'))
                c.stdin(50, b'')
                r = c.responses[50]
                c.wait(lambda: len(r.stdout) > 0 or r.ended)
                c.abort(50)
                c.wait(lambda: r.ended)
                assert r.app_status == 1, r.app_status
            elif kind == 'hangup':
                # The gateway goes away mid-request (body half sent, or response streaming).
                how = rnd.random()
                if how < 0.33:
                    c.begin(70, params_for('/echo', 'POST', body=b'x' * 100000))
                    c.stdin(70, b'x' * 5000, end=False)
                elif how < 0.66:
                    c.send(fastcgi.encode_begin_request(70) + fastcgi.encode_record(
                        fastcgi.PARAMS, 70, fastcgi.encode_pairs(params_for('/write'))))  # params unfinished
                else:
                    c.begin(70, params_for('/close-raw', query='forever=1&t=stress'))
                    c.stdin(70, b'')
                c.close()
                c = w.connect()
            else:
                r = c.request('/error', query='t=stress', rid=60)
                assert r.status == '500 Internal Server Error' and r.app_status == 1
            ends = [t for rr in c.responses.values() for t, _ in rr.records if t == fastcgi.END_REQUEST]
            assert len(ends) <= len(c.responses)
    except Exception as e:  # collected for the main thread
        errors.append('%s: %s #%d %r' % (seed, kind, i, e))
    finally:
        c.close()


class StressTest(unittest.TestCase):
    def run_mix(self, threads, clients=6, iterations=40):
        w = Worker('pep_app:application', threads=threads)
        try:
            errors = []
            ts = [threading.Thread(target=_client, args=(w, 1000 * threads + k, iterations, errors))
                  for k in range(clients)]
            for t in ts:
                t.start()
            for t in ts:
                t.join(120)
            self.assertFalse(any(t.is_alive() for t in ts), 'a client hung')
            self.assertEqual(errors, [])
            self.assertEqual(w.request('/write').body, b'one,two,three')
            self.assertIsNone(w.proc.poll())
            # Every request was accounted for exactly once: a graceful stop finds none in flight.
            w.proc.send_signal(signal.SIGTERM)
            self.assertEqual(w.wait_exit(), 0)
        finally:
            w.close()
        # Nothing leaked to the worker's own stderr: every traceback went to its request.
        self.assertEqual(w.stderr.text(), '')

    def test_threaded_mix(self):
        self.run_mix(4)

    def test_inline_mix(self):
        self.run_mix(1)


if __name__ == '__main__':
    unittest.main()

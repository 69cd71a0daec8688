#!/usr/bin/env python3
# The Python worker alone, A against B: two app/ trees (say, main's and a branch's) serve the same app over
# FastCGI to this driver, in alternating rounds, and each round reports the worker's CPU time per request
# (summed over its threads from /proc/PID/task/*/schedstat, in ns) and its req/s. No gateway, no wrk: what
# a worker change costs per request shows here undiluted. On a shared, noisy box compare the CPU per request
# and the B/A ratios of one run, not req/s across runs.
#
#   git archive main app | tar -x -C /tmp/before      # A: main's worker
#   /usr/bin/python3 bench/worker-ab.py --a /tmp/before/app --b app [--app bench_apps:hello] [--path /]
#       [--rounds 5] [--requests 30000] [--depth 4] [--threads 1] [--arg=--request-stdout]
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def cpu_ns(pid):
    total = 0
    for tid in os.listdir('/proc/%d/task' % pid):
        try:
            with open('/proc/%d/task/%s/schedstat' % (pid, tid)) as f:
                total += int(f.read().split()[0])
        except OSError:
            pass  # a thread that ended between listdir and open
    return total


def load_codec(app_dir):
    sys.path.insert(0, app_dir)
    from gantry_wsgi import fastcgi
    return fastcgi


def batch_bytes(fastcgi, depth, path):
    params = fastcgi.encode_pairs([
        ('REQUEST_METHOD', 'GET'), ('REQUEST_URI', path), ('PATH_INFO', path), ('QUERY_STRING', ''),
        ('SERVER_PROTOCOL', 'HTTP/1.1'), ('SERVER_NAME', 'localhost'), ('SERVER_PORT', '80'),
        ('REMOTE_ADDR', '127.0.0.1'), ('REMOTE_PORT', '5000'), ('HTTP_HOST', 'localhost'),
        ('HTTP_X_REQUEST_ID', 'bench'),
    ])
    out = b''
    for rid in range(1, depth + 1):
        out += (fastcgi.encode_begin_request(rid) + fastcgi.encode_stream(fastcgi.PARAMS, rid, params)
                + fastcgi.end_stream(fastcgi.PARAMS, rid) + fastcgi.end_stream(fastcgi.STDIN, rid))
    return out


class WorkerRun(object):
    def __init__(self, tree, opts):
        self.dir = tempfile.mkdtemp(prefix='gantry-ab-')
        self.sock_path = os.path.join(self.dir, 'w.sock')
        cmd = [opts.python, '-u', os.path.join(tree, 'gantry_worker.py'), '--app', opts.app,
               '--chdir', os.path.join(HERE, 'apps'), '--listen', 'unix:' + self.sock_path,
               '--threads', str(opts.threads)] + opts.arg
        # stdin a pipe we hold: the worker's lifeline (it leaves when we close it).
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(self.sock_path)
                break
            except OSError:
                self.sock.close()
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit('worker %s did not start' % tree)
                time.sleep(0.02)

    def run(self, fastcgi, batch, depth, count):
        parser = fastcgi.RecordParser()
        end = fastcgi.END_REQUEST
        sock = self.sock
        for _ in range(count // depth):
            sock.sendall(batch)
            left = depth
            while left:
                data = sock.recv(262144)
                if not data:
                    raise SystemExit('worker closed the connection')
                for rtype, _, _ in parser.feed(data):
                    if rtype == end:
                        left -= 1

    def close(self):
        self.sock.close()
        self.proc.stdin.close()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--a', required=True, help='app/ folder of the A worker')
    ap.add_argument('--b', default=os.path.join(REPO, 'app'), help='app/ folder of the B worker (default: this one)')
    ap.add_argument('--app', default='bench_apps:hello')
    ap.add_argument('--path', default='/')
    ap.add_argument('--python', default='/usr/bin/python3')
    ap.add_argument('--rounds', type=int, default=5)
    ap.add_argument('--requests', type=int, default=30000)
    ap.add_argument('--depth', type=int, default=4, help='requests sent at once on the connection (the gateway pipelines 4)')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--arg', action='append', default=None,
                    help='worker argument (repeatable; default --request-stdout, as the gateway passes)')
    opts = ap.parse_args()
    if opts.arg is None:
        opts.arg = ['--request-stdout']
    fastcgi = load_codec(os.path.abspath(opts.b))
    batch = batch_bytes(fastcgi, opts.depth, opts.path)
    results = {'A': [], 'B': []}
    for rnd in range(opts.rounds):
        order = ('A', 'B') if rnd % 2 == 0 else ('B', 'A')
        for name in order:
            w = WorkerRun(opts.a if name == 'A' else opts.b, opts)
            try:
                w.run(fastcgi, batch, opts.depth, 2000)  # warm-up
                c0, t0 = cpu_ns(w.proc.pid), time.perf_counter()
                w.run(fastcgi, batch, opts.depth, opts.requests)
                c1, t1 = cpu_ns(w.proc.pid), time.perf_counter()
            finally:
                w.close()
            n = opts.requests // opts.depth * opts.depth
            us, rps = (c1 - c0) / 1000.0 / n, n / (t1 - t0)
            results[name].append((us, rps))
            print('round %d %s: worker %.2f us/req, %.0f req/s' % (rnd + 1, name, us, rps), flush=True)
    med = {k: (statistics.median(u for u, _ in v), statistics.median(r for _, r in v)) for k, v in results.items()}
    print('A %s: median worker %.2f us/req, %.0f req/s' % (opts.a, med['A'][0], med['A'][1]))
    print('B %s: median worker %.2f us/req, %.0f req/s' % (opts.b, med['B'][0], med['B'][1]))
    print('B/A: cpu per request x%.3f, req/s x%.3f' % (med['B'][0] / med['A'][0], med['B'][1] / med['A'][1]))


if __name__ == '__main__':
    main()

# Issue 7: a worker's idle memory is the interpreter, the app and little else. Every module the
# worker imports stays resident for its whole life, so the stdlib modules it needs only on rare
# paths (argument errors, app failures, servers that send no PATH_INFO, factory arguments) or
# whose C core suffices (threading, socket, signal) must not be in sys.modules once it serves.
# bench/memory.mjs measures the RSS itself; this test keeps the imports from creeping back.
import os
import subprocess
import sys
import unittest

from harness import Worker

# Each of these costs 0.1-1.5 MB of RSS when imported (with what it imports in turn).
RARE_OR_WRAPPERS = (
    'argparse', 'ast', 'collections', 'enum', 'functools', 'importlib', 'json', 'platform', 'queue', 're',
    'selectors', 'signal', 'socket', 'threading', 'traceback', 'urllib.parse',
)


# The interpreter running the tests, and Debian's (what the bench uses): a python whose site
# imports much at startup (pyenv with .pth files) would hide what the worker imports.
PYTHONS = [sys.executable] + [p for p in ('/usr/bin/python3',)
                              if os.path.exists(p) and os.path.realpath(p) != os.path.realpath(sys.executable)]


def _bare_modules(python):
    out = subprocess.run([python, '-u', '-c', 'import sys; print("\\n".join(sys.modules))'],
                         stdout=subprocess.PIPE, check=True, universal_newlines=True).stdout
    return set(out.split())


class IdleImportsTest(unittest.TestCase):
    def served_modules(self, python, threads):
        w = Worker('modules_app:application', threads=threads, python=python)
        try:
            for _ in range(3):
                r = w.request('/', query='a=b', method='POST', body=b'x' * 20000, headers={'Content-Type': 'text/plain'})
                self.assertEqual(r.status, '200 OK')
            return set(r.body.decode('ascii').split())
        finally:
            w.close()

    def check(self, threads):
        for python in PYTHONS:
            with self.subTest(python=python):
                bare = _bare_modules(python)
                mods = self.served_modules(python, threads)
                self.assertIn('gantry_wsgi.connection', mods)  # the list really is the worker's
                extra = sorted(m for m in RARE_OR_WRAPPERS if m in mods and m not in bare)
                self.assertEqual(extra, [], '%s: imported by the worker, not by the bare interpreter: %s'
                                 % (python, extra))

    def test_inline_worker_imports_no_rare_path_modules(self):
        self.check(1)

    def test_threaded_worker_imports_no_rare_path_modules(self):
        self.check(4)


if __name__ == '__main__':
    unittest.main()

# Runs every test under app/tests. `--json FILE` writes {"passed": N, "failed": M} for
# scripts/test-all.mjs; the exit status is non-zero on any failure.
import argparse
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class _CountingResult(unittest.TextTestResult):
    successes = 0

    def addSuccess(self, test):
        self.successes += 1
        super(_CountingResult, self).addSuccess(test)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--json', help='write {"passed": N, "failed": M} here')
    ap.add_argument('-k', action='append', default=None, help='only tests matching this pattern')
    ap.add_argument('-v', action='store_true')
    args = ap.parse_args()
    sys.path.insert(0, HERE)
    loader = unittest.TestLoader()
    if args.k:
        loader.testNamePatterns = ['*%s*' % k for k in args.k]
    suite = loader.discover(HERE, pattern='test_*.py', top_level_dir=HERE)
    result = unittest.TextTestRunner(verbosity=2 if args.v else 1, resultclass=_CountingResult).run(suite)
    # errors include setUpClass failures (e.g. cgi-fcgi missing in CI), which are not in testsRun.
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.successes
    if args.json:
        d = os.path.dirname(os.path.abspath(args.json))
        os.makedirs(d, exist_ok=True)
        with open(args.json, 'w') as f:
            json.dump({'passed': passed, 'failed': failed}, f)
    print('%d passed, %d failed, %d skipped' % (passed, failed, len(result.skipped)))
    sys.exit(1 if failed or not result.wasSuccessful() else 0)


if __name__ == '__main__':
    main()

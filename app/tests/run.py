# Runs every test under app/tests. `--json FILE` writes {"passed": N, "failed": M, "skipped": K, "skips": [{name,
# reason}]} for scripts/test-all.mjs, which counts the skips (and fails them on CI unless the reason starts with
# "platform-specific"); the exit status is non-zero on any failure.
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
    ap.add_argument('--json', help='write the counts (passed, failed, skips) here')
    ap.add_argument('-k', action='append', default=None, help='only tests matching this pattern')
    ap.add_argument('-v', action='store_true')
    ap.add_argument('--start', default=HERE, help='discover tests here instead (the runner\'s own tests use it)')
    args = ap.parse_args()
    sys.path.insert(0, HERE)
    loader = unittest.TestLoader()
    if args.k:
        loader.testNamePatterns = ['*%s*' % k for k in args.k]
    start = os.path.abspath(args.start)
    sys.path.insert(0, start)
    suite = loader.discover(start, pattern='test_*.py', top_level_dir=start)
    result = unittest.TextTestRunner(verbosity=2 if args.v else 1, resultclass=_CountingResult).run(suite)
    # errors include setUpClass failures (e.g. cgi-fcgi missing in CI), which are not in testsRun.
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    # An expected failure ran and did what it declares; it is neither lost nor a failure.
    passed = result.successes + len(result.expectedFailures)
    if args.json:
        d = os.path.dirname(os.path.abspath(args.json))
        os.makedirs(d, exist_ok=True)
        with open(args.json, 'w') as f:
            skips = [{'name': str(test), 'reason': reason} for test, reason in result.skipped]
            json.dump({'passed': passed, 'failed': failed, 'skipped': len(skips), 'skips': skips}, f)
    print('%d passed, %d failed, %d skipped' % (passed, failed, len(result.skipped)))
    sys.exit(1 if failed or not result.wasSuccessful() else 0)


if __name__ == '__main__':
    main()

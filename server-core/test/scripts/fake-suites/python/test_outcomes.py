# A fake unittest suite for test-all.test.ts: one of each outcome app/tests/run.py must report.
import unittest

from harness import requires


class Outcomes(unittest.TestCase):
    def test_passes(self):
        pass

    def test_fails(self):
        self.assertEqual(1, 2)

    @unittest.skip('no reason to run')
    def test_skipped(self):
        pass

    @unittest.skip('platform-specific: Windows only')
    def test_platform(self):
        pass


@requires(False, 'fake-tool not installed', 'fake-tool')
class NeedsATool(unittest.TestCase):
    def test_uses_the_tool(self):
        pass

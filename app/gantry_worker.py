# Gantry worker launcher: `python -u gantry_worker.py --app MODULE:CALLABLE --listen unix:PATH ...`
# (protocol/WORKER.md). Loads the gantry_wsgi package, then takes its own folder off sys.path.
import os
import sys


def _run():
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    # The largest module first: compiling a module that has no .pyc (PYTHONDONTWRITEBYTECODE, a
    # read-only install) briefly takes ~1 MB, which the modules imported after it then reuse
    # rather than grow the heap again (0.15 MB less RSS for the worker's whole life).
    from gantry_wsgi import connection  # noqa: F401
    from gantry_wsgi import cli
    # Our folder must not shadow the user's modules (a user "tests" or "examples" package, say).
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    cli.main(sys.argv[1:])


if __name__ == '__main__':
    _run()

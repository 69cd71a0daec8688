# Opt-in profiler for the worker's request path: GANTRY_WORKER_PROFILE=DIR runs every connection and pool
# thread under cProfile and writes the merged stats to DIR/worker-PID.prof when the worker stops
# (read them with `python3 -m pstats FILE`). Unset (the default), wrap() returns its target untouched.
import os

from .lowlevel import Lock

_DIR = os.environ.get('GANTRY_WORKER_PROFILE') or None
_profiles = []
_lock = Lock()


def wrap(target):
    if _DIR is None:
        return target
    import cProfile

    def run():
        p = cProfile.Profile()
        with _lock:
            _profiles.append(p)
        p.runcall(target)
    return run


def dump():
    if _DIR is None:
        return
    import pstats
    with _lock:
        profiles = list(_profiles)
    stats = None
    for p in profiles:
        try:
            if stats is None:
                stats = pstats.Stats(p)
            else:
                stats.add(p)
        except TypeError:
            pass  # a thread that never ran a call has no stats
    if stats is not None:
        os.makedirs(_DIR, exist_ok=True)
        stats.dump_stats(os.path.join(_DIR, 'worker-%d.prof' % os.getpid()))

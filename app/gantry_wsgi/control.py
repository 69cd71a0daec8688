# The worker's side channels: control messages (fd 3, JSON lines) and boot-failure exit codes.
# Every write tolerates a missing or closed fd: run by hand or under nginx there is no gateway.
import json
import os
import sys
import threading

EXIT_OK = 0
EXIT_WORKER_BOOT = 3   # gunicorn's WORKER_BOOT_ERROR
EXIT_APP_LOAD = 4      # gunicorn's APP_LOAD_ERROR

ERR_WORKER_BOOT = 'GANTRY_ERR_WORKER_BOOT'
ERR_APP_IMPORT = 'GANTRY_ERR_APP_IMPORT'
ERR_APP_NOT_FOUND = 'GANTRY_ERR_APP_NOT_FOUND'

CONTROL_FD = 3
FAULT_FD = 4


def fd_is_open(fd):
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


class Control(object):
    def __init__(self, fd):
        self.fd = fd
        self._lock = threading.Lock()

    def send(self, message):
        if self.fd is None:
            return
        line = (json.dumps(message, separators=(',', ':')) + '\n').encode('utf-8')
        with self._lock:
            try:
                while line:
                    n = os.write(self.fd, line)
                    line = line[n:]
            except OSError:
                self.fd = None


class BootError(Exception):
    """A boot failure that ends the worker with a stable code and exit status."""

    def __init__(self, code, message, traceback_text=None):
        Exception.__init__(self, message)
        self.code = code
        self.message = message
        self.traceback = traceback_text

    @property
    def exit_status(self):
        return EXIT_WORKER_BOOT if self.code == ERR_WORKER_BOOT else EXIT_APP_LOAD


def report_boot_error(control, err):
    msg = {'type': 'boot_error', 'code': err.code, 'message': err.message}
    if err.traceback:
        msg['traceback'] = err.traceback
    control.send(msg)
    # Also readable by a person running the worker by hand.
    try:
        if err.traceback:
            sys.__stderr__.write(err.traceback)
        sys.__stderr__.write('[gantry worker] %s: %s\n' % (err.code, err.message))
        sys.__stderr__.flush()
    except Exception:
        pass

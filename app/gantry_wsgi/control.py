# The worker's side channels: control messages (fd 3, JSON lines) and boot-failure exit codes.
# Every write tolerates a missing or closed fd: run by hand or under nginx there is no gateway.
import os
import sys

from .lowlevel import Lock

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


# json.dumps escapes these in an ASCII str (ensure_ascii): control characters, DEL, " and \.
_ESCAPES = dict((c, '\\u%04x' % c) for c in list(range(32)) + [127])
_ESCAPES.update({ord('"'): '\\"', ord('\\'): '\\\\', ord('\n'): '\\n', ord('\r'): '\\r', ord('\t'): '\\t',
                 ord('\b'): '\\b', ord('\f'): '\\f'})


def encode_json(message):
    """json.dumps(message, separators=(',', ':')) for the flat dicts of str/int/bool/None the
    worker sends, without importing json (~0.3 MB) at every boot; anything else goes to json."""
    parts = []
    for key, value in message.items():
        t = type(value)
        if type(key) is not str or not key.isascii():
            t = None
        elif t is str and value.isascii():
            value = '"%s"' % value.translate(_ESCAPES)
        elif value is None:
            value = 'null'
        elif value is True or value is False:
            value = 'true' if value else 'false'
        elif t is int:
            value = str(value)
        else:
            t = None
        if t is None:
            import json
            return json.dumps(message, separators=(',', ':'))
        parts.append('"%s":%s' % (key.translate(_ESCAPES), value))
    return '{' + ','.join(parts) + '}'


class Control(object):
    """fd 3: ready, boot_error and stopping, each written once, outside any request. An app's exception
    is not sent here: its traceback goes to the request's FCGI_STDERR, which the gateway logs with the
    request's id, so no request ever waits on this pipe."""

    def __init__(self, fd):
        self.fd = fd
        self._lock = Lock()

    def send(self, message):
        self._write(self._encode(message))

    @staticmethod
    def _encode(message):
        return (encode_json(message) + '\n').encode('utf-8')

    def _write(self, line):
        if self.fd is None:
            return
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

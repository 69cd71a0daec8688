# FastCGI 1.0 record codec (responder side): record framing, name-value pairs, management records.
# Pure functions and one incremental parser; no sockets here. Spec: fastcgi-archives.github.io.
import struct

VERSION_1 = 1

BEGIN_REQUEST = 1
ABORT_REQUEST = 2
END_REQUEST = 3
PARAMS = 4
STDIN = 5
STDOUT = 6
STDERR = 7
DATA = 8
GET_VALUES = 9
GET_VALUES_RESULT = 10
UNKNOWN_TYPE = 11
MAXTYPE = UNKNOWN_TYPE
# Gantry's extension (protocol/WORKER.md): what the app wrote to sys.stdout while a request ran, as
# that request's stream. Sent only when the gateway asked for it (--request-stdout): a peer that
# knows nothing of it (nginx, cgi-fcgi) never sees this type.
GANTRY_STDOUT = 64

RESPONDER = 1
AUTHORIZER = 2
FILTER = 3

KEEP_CONN = 1

REQUEST_COMPLETE = 0
CANT_MPX_CONN = 1
OVERLOADED = 2
UNKNOWN_ROLE = 3

MAX_CONTENT = 65535
HEADER_LEN = 8

_header = struct.Struct('>BBHHBx')
_pack_header = _header.pack
_unpack_header_from = _header.unpack_from
_begin_body = struct.Struct('>HB5x')
_end_body = struct.Struct('>LB3x')
_len4 = struct.Struct('>L')
# Padding bytes indexed by contentLength % 8: pad to a multiple of 8 as the spec recommends.
_PADS = [b'\0' * ((8 - i) % 8) for i in range(8)]


def encode_record(rtype, request_id, content=b''):
    """One record; content must be at most 65535 bytes."""
    n = len(content)
    pad = _PADS[n & 7]
    return _pack_header(VERSION_1, rtype, request_id, n, len(pad)) + content + pad


def encode_stream(rtype, request_id, data):
    """Records carrying data, split at 65535 bytes. Empty data gives nothing (use encode_record
    for the empty end-of-stream record)."""
    n = len(data)
    if n <= MAX_CONTENT:
        if not n:
            return b''
        pad = _PADS[n & 7]
        return _pack_header(VERSION_1, rtype, request_id, n, len(pad)) + data + pad
    view = memoryview(data)
    out = []
    for start in range(0, n, MAX_CONTENT):
        chunk = view[start:start + MAX_CONTENT]
        cl = len(chunk)
        pad = _PADS[cl & 7]
        out.append(_pack_header(VERSION_1, rtype, request_id, cl, len(pad)))
        out.append(chunk)
        out.append(pad)
    return b''.join(out)


def end_stream(rtype, request_id):
    return _pack_header(VERSION_1, rtype, request_id, 0, 0)


def encode_begin_request(request_id, role=RESPONDER, flags=KEEP_CONN):
    return encode_record(BEGIN_REQUEST, request_id, _begin_body.pack(role, flags))


def decode_begin_request(content):
    """-> (role, flags)"""
    return _begin_body.unpack_from(content)


def encode_end_request(request_id, app_status=0, protocol_status=REQUEST_COMPLETE):
    return _pack_header(VERSION_1, END_REQUEST, request_id, 8, 0) + _end_body.pack(app_status & 0xFFFFFFFF, protocol_status)


def decode_end_request(content):
    """-> (appStatus, protocolStatus)"""
    return _end_body.unpack_from(content)


def encode_unknown_type(rtype):
    return encode_record(UNKNOWN_TYPE, 0, bytes((rtype, 0, 0, 0, 0, 0, 0, 0)))


def _encode_length(n):
    return bytes((n,)) if n < 128 else _len4.pack(n | 0x80000000)


def encode_pairs(pairs):
    """Name-value pairs (bytes or latin-1 str) -> PARAMS/GET_VALUES content bytes."""
    out = []
    for name, value in pairs:
        if isinstance(name, str):
            name = name.encode('latin-1')
        if isinstance(value, str):
            value = value.encode('latin-1')
        out.append(_encode_length(len(name)))
        out.append(_encode_length(len(value)))
        out.append(name)
        out.append(value)
    return b''.join(out)


class _PairList(list):
    """A list that decode_pairs_into can fill like a dict: each d[name] = value appends (name, value),
    so repeated names and their order are kept."""
    __slots__ = ()

    def __setitem__(self, name, value):
        self.append((name, value))


def decode_pairs_str(s, b=None):
    """Name-value pairs -> list of (name, value) str tuples. s is the content decoded as latin-1
    (one char per byte, which is what the environ needs anyway); b the same content as bytes, for
    the lengths. Raises ValueError (or IndexError/struct.error) on truncated input."""
    if b is None:
        b = s.encode('latin-1')
    return list(decode_pairs_into(s, b, _PairList()))


def decode_pairs_into(s, b, d):
    """Name-value pairs stored straight into d (the request's environ, a dict):
    this is the hot path, and skipping the list of tuples saves a fifth of its time."""
    unpack_len = _len4.unpack_from
    i = 0
    end = len(b)
    while i < end:
        n = b[i]
        if n < 128:
            i += 1
        else:
            n = unpack_len(b, i)[0] & 0x7FFFFFFF
            i += 4
        v = b[i]
        if v < 128:
            i += 1
        else:
            v = unpack_len(b, i)[0] & 0x7FFFFFFF
            i += 4
        j = i + n
        k = j + v
        if k > end:
            raise ValueError('truncated FastCGI name-value pair')
        d[s[i:j]] = s[j:k]
        i = k
    return d


def decode_pairs(data):
    """Name-value pairs from bytes -> list of (name, value) latin-1 str tuples."""
    data = bytes(data)
    try:
        return decode_pairs_str(data.decode('latin-1'), data)
    except (IndexError, struct.error):
        raise ValueError('truncated FastCGI name-value pair')


class RecordParser(object):
    """Incremental parser: feed() bytes as they arrive, get back every complete record as
    (type, requestId, content bytes). Partial records stay buffered until the rest arrives."""

    __slots__ = ('_buf',)

    def __init__(self):
        self._buf = b''

    def feed(self, data):
        buf = self._buf + data if self._buf else data
        records = []
        pos = 0
        end = len(buf)
        unpack = _unpack_header_from
        while end - pos >= 8:
            version, rtype, rid, clen, plen = unpack(buf, pos)
            stop = pos + 8 + clen
            if stop + plen > end:
                break
            if version != VERSION_1:
                raise ValueError('unsupported FastCGI version %d' % version)
            records.append((rtype, rid, buf[pos + 8:stop]))
            pos = stop + plen
        self._buf = buf[pos:] if pos < end else b''
        return records

    def pending(self):
        return len(self._buf)


def parse_all(data):
    """Every record in data (must end on a record boundary) -> list of (type, requestId, content)."""
    p = RecordParser()
    recs = p.feed(bytes(data))
    if p.pending():
        raise ValueError('trailing partial record (%d bytes)' % p.pending())
    return recs

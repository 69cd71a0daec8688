"""Stdlib WSGI apps for `npm run bench`: the same code under every server.

hello: the smallest useful response. echo: returns the request body (POST echo 10 KB).
sleep: waits 10 ms, like an app waiting on a database (I/O-bound; threads should overlap it).
download: 100 MB in 64 KB pieces. upload: reads the whole body in 64 KB pieces and answers its size.
"""
import time

_HELLO = b"Hello, World!"
_HELLO_HEADERS = [("Content-Type", "text/plain"), ("Content-Length", str(len(_HELLO)))]


def hello(environ, start_response):
    start_response("200 OK", _HELLO_HEADERS)
    return [_HELLO]


def echo(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(body)))])
    return [body]


def sleep(environ, start_response):
    time.sleep(0.010)
    start_response("200 OK", _HELLO_HEADERS)
    return [_HELLO]


_PIECE = b"d" * 65536
_DOWNLOAD_PIECES = 1600  # 100 MiB + 0 (1600 x 64 KiB)
_DOWNLOAD_HEADERS = [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(_PIECE) * _DOWNLOAD_PIECES))]


def download(environ, start_response):
    start_response("200 OK", _DOWNLOAD_HEADERS)
    return (_PIECE for _ in range(_DOWNLOAD_PIECES))


def upload(environ, start_response):
    remaining = int(environ.get("CONTENT_LENGTH") or 0)
    stream = environ["wsgi.input"]
    total = 0
    while remaining > 0:
        chunk = stream.read(min(65536, remaining))
        if not chunk:
            break
        total += len(chunk)
        remaining -= len(chunk)
    body = str(total).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]

"""Stdlib WSGI apps for `npm run bench`: the same code under every server.

hello: the smallest useful response. echo: returns the request body (POST echo 10 KB).
sleep: waits 10 ms, like an app waiting on a database (I/O-bound; threads should overlap it).
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

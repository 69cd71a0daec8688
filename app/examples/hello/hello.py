# Gantry's demo app: the first thing a user runs. Plain WSGI, stdlib only, one route per feature
# (JSON, echo, slow responses, tracebacks, streaming, request headers).
import html
import json
import os
import sys
import time
from urllib.parse import parse_qs

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hello from Gantry</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; color: #1d2330; }}
 h1 {{ font-size: 1.8rem; margin-bottom: .2rem; }}
 .sub {{ color: #5b6578; margin-top: 0; }}
 ul {{ padding: 0; list-style: none; }}
 li {{ margin: .5rem 0; padding: .6rem .8rem; border: 1px solid #e3e7ef; border-radius: 8px; }}
 a {{ color: #2a5bd7; text-decoration: none; font-weight: 600; }}
 code {{ background: #f3f5f9; padding: .1rem .3rem; border-radius: 4px; }}
 footer {{ margin-top: 2rem; color: #8a93a6; font-size: .85rem; }}
</style></head>
<body>
<h1>Hello from Gantry</h1>
<p class="sub">This page comes from <code>hello.py</code>, a plain WSGI app, served by worker pid {pid} on Python {python}.</p>
<ul>
 <li><a href="{root}/json">/json</a> &mdash; a small JSON document</li>
 <li><a href="{root}/echo">/echo</a> &mdash; POST a body and get it back (<code>curl -d hi {base}/echo</code>)</li>
 <li><a href="{root}/slow?ms=1500">/slow?ms=1500</a> &mdash; answers after a delay; watch it in flight</li>
 <li><a href="{root}/stream">/stream</a> &mdash; a response streamed in pieces</li>
 <li><a href="{root}/headers">/headers</a> &mdash; the request headers the app received</li>
 <li><a href="{root}/error">/error</a> &mdash; raises an exception, to show how tracebacks look</li>
</ul>
<footer>Edit <code>hello.py</code> and reload to see your change.</footer>
</body></html>
"""


def _root(environ):
    return html.escape(environ.get('SCRIPT_NAME', ''))


def home(environ, start_response):
    host = environ.get('HTTP_HOST') or '%s:%s' % (environ.get('SERVER_NAME', 'localhost'), environ.get('SERVER_PORT', '80'))
    base = html.escape('%s://%s' % (environ.get('wsgi.url_scheme', 'http'), host)) + _root(environ)
    body = PAGE.format(pid=os.getpid(), python=sys.version.split()[0], root=_root(environ), base=base).encode('utf-8')
    start_response('200 OK', [('Content-Type', 'text/html; charset=utf-8'), ('Content-Length', str(len(body)))])
    return [body]


def as_json(environ, start_response):
    body = json.dumps({
        'message': 'Hello from Gantry',
        'method': environ['REQUEST_METHOD'],
        'path': environ.get('PATH_INFO', ''),
        'query': parse_qs(environ.get('QUERY_STRING', '')),
        'pid': os.getpid(),
        'python': sys.version.split()[0],
        'multithread': environ['wsgi.multithread'],
    }, indent=2).encode('utf-8') + b'\n'
    start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(body)))])
    return [body]


def echo(environ, start_response):
    if environ['REQUEST_METHOD'] != 'POST':
        body = b'POST something here and it comes back, e.g. curl -d "hi there" URL/echo\n'
        start_response('200 OK', [('Content-Type', 'text/plain; charset=utf-8'), ('Content-Length', str(len(body)))])
        return [body]
    ctype = environ.get('CONTENT_TYPE') or 'application/octet-stream'
    stream = environ['wsgi.input']
    start_response('200 OK', [('Content-Type', ctype)])

    def chunks():
        # Streams the body back as it arrives: an upload of any size never sits in memory whole.
        while True:
            block = stream.read(65536)
            if not block:
                return
            yield block
    return chunks()


def slow(environ, start_response):
    try:
        ms = int(parse_qs(environ.get('QUERY_STRING', '')).get('ms', ['1000'])[0])
    except ValueError:
        ms = 1000
    ms = max(0, min(ms, 60000))
    time.sleep(ms / 1000.0)
    body = ('Slept %d ms.\n' % ms).encode('ascii')
    start_response('200 OK', [('Content-Type', 'text/plain; charset=utf-8'), ('Content-Length', str(len(body)))])
    return [body]


def error(environ, start_response):
    raise RuntimeError('This is /error: an exception raised on purpose, to show how Gantry reports it.')


def stream(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain; charset=utf-8'), ('X-Accel-Buffering', 'no')])

    def pieces():
        yield b'Streaming five pieces, a quarter second apart...\n'
        for i in range(1, 6):
            time.sleep(0.25)
            yield ('piece %d of 5\n' % i).encode('ascii')
        yield b'done.\n'
    return pieces()


def headers(environ, start_response):
    lines = ['%s: %s' % (k[5:].replace('_', '-').title(), v) for k, v in sorted(environ.items()) if k.startswith('HTTP_')]
    for k in ('CONTENT_TYPE', 'CONTENT_LENGTH'):
        if k in environ:
            lines.append('%s: %s' % (k.replace('_', '-').title(), environ[k]))
    body = ('\n'.join(lines) + '\n').encode('utf-8')
    start_response('200 OK', [('Content-Type', 'text/plain; charset=utf-8'), ('Content-Length', str(len(body)))])
    return [body]


def not_found(environ, start_response):
    body = ('Nothing at %s. Try the home page.\n' % environ.get('PATH_INFO', '')).encode('utf-8')
    start_response('404 Not Found', [('Content-Type', 'text/plain; charset=utf-8'), ('Content-Length', str(len(body)))])
    return [body]


ROUTES = {
    '/': home, '': home, '/json': as_json, '/echo': echo, '/slow': slow,
    '/error': error, '/stream': stream, '/headers': headers,
}


def application(environ, start_response):
    return ROUTES.get(environ.get('PATH_INFO', '/'), not_found)(environ, start_response)

# Builds the PEP 3333 environ from FastCGI params. The constant keys are computed once per worker;
# a request costs one dict copy, one update and a few lookups.
from .fastcgi import decode_pairs_into
from struct import error as struct_error


def make_base(multithread, script_name, file_wrapper, errors_default=None):
    return {
        'wsgi.version': (1, 0),
        'wsgi.url_scheme': 'http',
        'wsgi.multithread': multithread,
        'wsgi.multiprocess': True,
        'wsgi.run_once': False,
        'wsgi.file_wrapper': file_wrapper,
        'wsgi.input_terminated': True,
        'SCRIPT_NAME': script_name,
        'QUERY_STRING': '',
        'REQUEST_METHOD': 'GET',
        'SERVER_NAME': 'localhost',
        'SERVER_PORT': '80',
        'SERVER_PROTOCOL': 'HTTP/1.0',
        'SERVER_SOFTWARE': 'gantry',
    }


def build_environ(base, raw, script_name):
    """raw: the whole PARAMS stream (bytes). Returns (environ, content_length or None); raises
    ValueError on a malformed stream. The caller adds wsgi.input and wsgi.errors."""
    env = base.copy()
    # latin-1: PEP 3333's bytes-as-str for every CGI value, incl. PATH_INFO's raw bytes.
    try:
        decode_pairs_into(raw.decode('latin-1'), raw, env)
    except (IndexError, struct_error):
        raise ValueError('truncated FastCGI name-value pair')
    # gunicorn's and werkzeug's name for the raw request target; apps ported from gunicorn read it.
    uri = env.get('REQUEST_URI')
    if uri is not None and 'RAW_URI' not in env:
        env['RAW_URI'] = uri
    https = env.get('HTTPS')
    if https and https.lower() in ('on', '1', 'yes'):
        env['wsgi.url_scheme'] = 'https'
    content_length = None
    cl = env.get('CONTENT_LENGTH')
    if cl is not None:
        try:
            content_length = int(cl)
            if content_length < 0:
                raise ValueError
        except ValueError:
            content_length = None
            del env['CONTENT_LENGTH']
    if env.get('CONTENT_TYPE') == '':
        del env['CONTENT_TYPE']
    # Some clients send these as headers too; PEP 3333 wants only the CGI names.
    if 'HTTP_CONTENT_LENGTH' in env:
        del env['HTTP_CONTENT_LENGTH']
    if 'HTTP_CONTENT_TYPE' in env:
        del env['HTTP_CONTENT_TYPE']
    if 'PATH_INFO' not in env:
        _derive_path(env, script_name)
    elif script_name:
        env['SCRIPT_NAME'] = script_name
        path = env['PATH_INFO']
        if path.startswith(script_name) and (len(path) == len(script_name) or path[len(script_name)] == '/'):
            env['PATH_INFO'] = path[len(script_name):]
    return env, content_length


def _derive_path(env, script_name):
    # nginx's fastcgi_params and cgi-fcgi send no PATH_INFO (nginx sends the whole path as
    # SCRIPT_NAME): rebuild both from the raw request target, mounted at --script-name.
    uri = env.get('REQUEST_URI') or env.get('DOCUMENT_URI') or ''
    path = uri.split('?', 1)[0]
    if path.startswith(('http://', 'https://')):
        slash = path.find('/', path.find('//') + 2)
        path = path[slash:] if slash >= 0 else '/'
    from urllib.parse import unquote_to_bytes  # only for servers that send no PATH_INFO
    path = unquote_to_bytes(path.encode('latin-1')).decode('latin-1')
    if script_name and path.startswith(script_name):
        path = path[len(script_name):]
    env['SCRIPT_NAME'] = script_name
    env['PATH_INFO'] = path

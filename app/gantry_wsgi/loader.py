# Finds the WSGI callable from "MODULE", "MODULE:NAME", "MODULE:obj.attr" or "MODULE:factory(args)"
# (gunicorn's syntax), turning each way it can fail into a BootError with a stable code.
# No re, ast or traceback at boot: those are imported only on the paths that need them
# (factory arguments, failures), so they never stay in a worker's memory otherwise.
import sys

from .control import BootError, ERR_APP_IMPORT, ERR_APP_NOT_FOUND, ERR_WORKER_BOOT

_FIRST = frozenset('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_')


def _dotted_name(text):
    """re.match(r'^[A-Za-z_][\\w.]*$', text): \\w is str.isalnum() or '_'."""
    return bool(text) and text[0] in _FIRST and all(c == '.' or c == '_' or c.isalnum() for c in text[1:])


def parse_spec(spec):
    """-> (module, attribute path, call args or None, call kwargs or None)"""
    module, _, target = spec.partition(':')
    module = module.strip()
    if not _dotted_name(module):
        raise BootError(ERR_WORKER_BOOT, 'bad --app %r: expected MODULE or MODULE:CALLABLE' % (spec,))
    if not target.strip():
        return module, 'application', None, None
    # NAME or NAME(ARGS), blanks around either (ARGS runs to the last ")").
    target = target.strip()
    name, paren, args_src = target.partition('(')
    name = name.rstrip()
    if paren and not args_src.endswith(')'):
        name = ''
    if not _dotted_name(name):
        raise BootError(ERR_WORKER_BOOT, 'bad --app %r: expected MODULE:NAME or MODULE:factory(...)' % (spec,))
    if not paren:
        return module, name, None, None
    args_src = args_src[:-1]
    import ast
    try:
        call = ast.parse('f(%s)' % args_src, mode='eval').body
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = dict((k.arg, ast.literal_eval(k.value)) for k in call.keywords)
    except (SyntaxError, ValueError, TypeError):
        raise BootError(ERR_WORKER_BOOT, 'bad --app %r: factory arguments must be Python literals' % (spec,))
    return module, name, args, kwargs


def load_app(spec):
    module_name, attr_path, args, kwargs = parse_spec(spec)
    try:
        __import__(module_name)
        obj = sys.modules[module_name]
    except BaseException as e:
        if isinstance(e, KeyboardInterrupt):
            raise
        import traceback
        raise BootError(ERR_APP_IMPORT, _one_line(e), traceback.format_exc())
    for part in attr_path.split('.'):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise BootError(ERR_APP_NOT_FOUND, 'module %r has no attribute %r (from --app %s)'
                            % (module_name, attr_path, spec))
    if args is not None:
        if not callable(obj):
            raise BootError(ERR_APP_NOT_FOUND, '%s:%s is not callable' % (module_name, attr_path))
        try:
            obj = obj(*args, **kwargs)
        except BaseException as e:
            if isinstance(e, KeyboardInterrupt):
                raise
            import traceback
            raise BootError(ERR_APP_IMPORT, 'app factory %s:%s() raised %s' % (module_name, attr_path, _one_line(e)),
                            traceback.format_exc())
    if not callable(obj):
        raise BootError(ERR_APP_NOT_FOUND, '%s:%s is not a WSGI callable (got %s)'
                        % (module_name, attr_path, type(obj).__name__))
    return obj


def _one_line(e):
    import traceback
    text = ''.join(traceback.format_exception_only(type(e), e)).strip()
    return text.splitlines()[-1] if text else type(e).__name__

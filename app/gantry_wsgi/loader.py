# Finds the WSGI callable from "MODULE", "MODULE:NAME", "MODULE:obj.attr" or "MODULE:factory(args)"
# (gunicorn's syntax), turning each way it can fail into a BootError with a stable code.
import ast
import importlib
import re
import sys
import traceback

from .control import BootError, ERR_APP_IMPORT, ERR_APP_NOT_FOUND, ERR_WORKER_BOOT

_SPEC = re.compile(r'^\s*([A-Za-z_][\w.]*)\s*(?:\((.*)\))?\s*$', re.S)


def parse_spec(spec):
    """-> (module, attribute path, call args or None, call kwargs or None)"""
    module, _, target = spec.partition(':')
    module = module.strip()
    if not module or not re.match(r'^[A-Za-z_][\w.]*$', module):
        raise BootError(ERR_WORKER_BOOT, 'bad --app %r: expected MODULE or MODULE:CALLABLE' % (spec,))
    if not target.strip():
        return module, 'application', None, None
    m = _SPEC.match(target)
    if not m:
        raise BootError(ERR_WORKER_BOOT, 'bad --app %r: expected MODULE:NAME or MODULE:factory(...)' % (spec,))
    name, args_src = m.group(1), m.group(2)
    if args_src is None:
        return module, name, None, None
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
        obj = importlib.import_module(module_name)
    except BaseException as e:
        if isinstance(e, KeyboardInterrupt):
            raise
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
            raise BootError(ERR_APP_IMPORT, 'app factory %s:%s() raised %s' % (module_name, attr_path, _one_line(e)),
                            traceback.format_exc())
    if not callable(obj):
        raise BootError(ERR_APP_NOT_FOUND, '%s:%s is not a WSGI callable (got %s)'
                        % (module_name, attr_path, type(obj).__name__))
    return obj


def _one_line(e):
    text = ''.join(traceback.format_exception_only(type(e), e)).strip()
    return text.splitlines()[-1] if text else type(e).__name__

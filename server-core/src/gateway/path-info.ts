// PATH_INFO from the request target: the path percent-decoded to raw bytes, kept as a latin-1 string so
// the worker can hand PEP 3333 exactly what gunicorn does (unquote_to_wsgi_str). Malformed escapes stay as
// they are.

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

export function percentDecodeLatin1(path: string): string {
  const first = path.indexOf('%');
  if (first === -1) return path;
  let out = path.slice(0, first);
  let i = first;
  const n = path.length;
  while (i < n) {
    const c = path.charCodeAt(i);
    if (c === 37 && i + 2 < n) {
      const hi = hexValue(path.charCodeAt(i + 1));
      const lo = hexValue(path.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        out += String.fromCharCode(hi * 16 + lo);
        i += 3;
        continue;
      }
    }
    out += path[i];
    i++;
  }
  return out;
}

export interface SplitTarget {
  /** The raw path (still percent-encoded). */
  readonly path: string;
  readonly query: string;
}

/** Splits an origin-form (`/a?b`) or absolute-form (`http://h/a?b`) request target. */
export function splitTarget(url: string): SplitTarget {
  let target = url;
  if (target.charCodeAt(0) !== 47 /* / */) {
    const scheme = target.indexOf('://');
    if (scheme !== -1) {
      const slash = target.indexOf('/', scheme + 3);
      target = slash === -1 ? '/' : target.slice(slash);
    }
  }
  // A fragment is never part of the request (RFC 9110 §4.2.5): cut it first, so a `?` inside it is no query.
  const hash = target.indexOf('#');
  if (hash !== -1) target = target.slice(0, hash);
  const q = target.indexOf('?');
  if (q === -1) return { path: target, query: '' };
  return { path: target.slice(0, q), query: target.slice(q + 1) };
}

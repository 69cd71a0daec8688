// A tiny browser-like client for framework tests: a cookie jar over fetch, redirects not followed.
class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Stores every Set-Cookie of a response (expired ones are deleted). */
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired =
        attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) ||
        attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=').slice(1).join('=')) < Date.now());
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface Browser {
  readonly jar: CookieJar;
  /** fetch relative to the server's URL with the jar's cookies; redirects are returned, not followed. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export function browser(baseUrl: string): Browser {
  const jar = new CookieJar();
  return {
    jar,
    async fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      const cookie = jar.header();
      if (cookie) headers.set('cookie', cookie);
      const res = await fetch(new URL(path, baseUrl), { ...init, headers, redirect: 'manual' });
      jar.store(res);
      return res;
    },
  };
}

/** The value of a hidden input in an HTML page, e.g. Django's csrfmiddlewaretoken. */
export function hiddenInput(html: string, name: string): string | undefined {
  const tag = html.match(new RegExp(`<input[^>]*name=["']${name}["'][^>]*>`, 'i'))?.[0];
  return tag?.match(/value=["']([^"']*)["']/i)?.[1];
}

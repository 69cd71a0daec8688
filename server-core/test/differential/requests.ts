// The requests the differential test sends, byte for byte, to gunicorn and to Gantry.
// Every request asks for Connection: close and names a fixed Host, so neither the port nor the
// connection handling leaks into HTTP_* values.
const H = 'Host: differential.test\r\nConnection: close\r\n';

export interface DiffRequest {
  readonly name: string;
  readonly raw: string; // latin-1
}

function chunked(parts: readonly string[]): string {
  return parts.map((p) => `${p.length.toString(16)}\r\n${p}\r\n`).join('') + '0\r\n\r\n';
}

export const REQUESTS: readonly DiffRequest[] = [
  { name: 'GET /', raw: `GET / HTTP/1.1\r\n${H}\r\n` },
  { name: 'query string', raw: `GET /path/to/x?q=1&r=%20x&s=a+b&t=%C3%A9&empty= HTTP/1.1\r\n${H}\r\n` },
  { name: 'empty query', raw: `GET /q? HTTP/1.1\r\n${H}\r\n` },
  { name: 'percent-encoded path incl. %2F and non-UTF-8', raw: `GET /a%20b/c%2Fd/%E9/%C3%A9 HTTP/1.1\r\n${H}\r\n` },
  { name: 'dot segments and double slashes are passed through', raw: `GET /a/../b//c/./d HTTP/1.1\r\n${H}\r\n` },
  { name: 'absolute-form target', raw: `GET http://differential.test/abs?x=1 HTTP/1.1\r\n${H}\r\n` },
  { name: 'HTTP/1.0', raw: `GET /ten HTTP/1.0\r\nHost: differential.test\r\n\r\n` },
  {
    name: 'POST form',
    raw: `POST /form HTTP/1.1\r\n${H}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 16\r\n\r\nname=Ada&lang=en`,
  },
  {
    name: 'POST JSON',
    raw: `POST /api HTTP/1.1\r\n${H}Content-Type: application/json; charset=utf-8\r\nContent-Length: 13\r\n\r\n{"a": [1, 2]}`,
  },
  {
    name: 'POST chunked',
    raw: `POST /chunked HTTP/1.1\r\n${H}Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(['hello ', 'chunked ', 'world'])}`,
  },
  { name: 'PUT with Content-Length: 0', raw: `PUT /empty HTTP/1.1\r\n${H}Content-Length: 0\r\n\r\n` },
  { name: 'DELETE', raw: `DELETE /thing/1 HTTP/1.1\r\n${H}\r\n` },
  { name: 'OPTIONS', raw: `OPTIONS /thing HTTP/1.1\r\n${H}\r\n` },
  {
    name: 'ordinary browser headers',
    raw:
      `GET /page HTTP/1.1\r\n${H}User-Agent: Mozilla/5.0 (X11; Linux x86_64) Differential/1\r\nAccept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8\r\n` +
      `Accept-Language: en-GB,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\nReferer: http://differential.test/\r\nAuthorization: Basic dXNlcjpwYXNz\r\n` +
      `If-None-Match: "abc"\r\nX-Custom-Header: Value With  Spaces\r\nx-lower-case: yes\r\nX-Empty:\r\n\r\n`,
  },
  {
    name: 'repeated headers',
    raw: `GET /rep HTTP/1.1\r\n${H}X-Multi: a\r\nX-Multi: b\r\nAccept: text/html\r\nAccept: application/json\r\n\r\n`,
  },
  { name: 'two Cookie headers', raw: `GET /cookies HTTP/1.1\r\n${H}Cookie: one=1\r\nCookie: two=2; three=3\r\n\r\n` },
  { name: 'non-ASCII bytes in a header value', raw: `GET /bytes HTTP/1.1\r\n${H}X-Utf8: caf\xc3\xa9\r\nX-Latin1: caf\xe9\r\n\r\n` },
  { name: 'Content-Type on a GET without a body', raw: `GET /ct HTTP/1.1\r\n${H}Content-Type: text/plain\r\n\r\n` },
  {
    name: 'Expect: 100-continue with the body sent at once',
    raw: `POST /expect HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 4\r\n\r\nbody`,
  },
  { name: 'X-Forwarded-Proto from a trusted peer (127.0.0.1)', raw: `GET /fwd HTTP/1.1\r\n${H}X-Forwarded-Proto: https\r\n\r\n` },
  { name: 'X-Forwarded-For from a trusted peer', raw: `GET /xff HTTP/1.1\r\n${H}X-Forwarded-For: 203.0.113.7\r\n\r\n` },
  { name: 'header name with an underscore', raw: `GET /underscore HTTP/1.1\r\n${H}X_Under: sneaky\r\n\r\n` },
  { name: 'a long URL (3000 bytes)', raw: `GET /${'l'.repeat(2000)}?${'q'.repeat(1000)} HTTP/1.1\r\n${H}\r\n` },
];

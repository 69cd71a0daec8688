// Every HTTP-corpus case (test/http-corpus/) where Debian's gunicorn 20.1 (gthread, -w 2 --threads 2)
// does not do what the corpus requires and Gantry does, with why. corpus-gunicorn.test.ts runs the
// corpus against gunicorn and requires exactly this set: a case leaving or joining it fails the test.
// "deliberate": Gantry chose differently on purpose; "gunicorn": gunicorn 20.1 falls short of the RFC
// (several are fixed in gunicorn >= 22, which Debian does not ship yet).

const PIPELINING =
  'deliberate: gunicorn gthread reads one request per turn and leaves pipelined ones unanswered until the client sends more; Gantry answers pipelined requests in order (RFC 9112 §9.3.2)';
const CHUNK_ERROR = 'gunicorn: a malformed chunked body makes it drop the connection without a response; Gantry answers 400 and closes';
const TRANSFER_CODING =
  'gunicorn: 20.1 answers 500 (an exception in its parser) or accepts it; Gantry refuses a Transfer-Encoding other than exactly chunked with 501/400 before dispatch (RFC 9112 §6.1, as gunicorn >= 22 does)';
const LIMIT_STATUS =
  'deliberate: gunicorn answers every limit with 400; Gantry gives the specific status (414 URI Too Long, 431 Request Header Fields Too Large, RFC 9110/6585)';
const LENIENT_HEAD = 'gunicorn: 20.1 accepts a request RFC 9112 says to reject (fixed in gunicorn >= 22); Gantry answers 400';
const TARGET =
  'gunicorn: 20.1 passes any request-target to the app; Gantry accepts only origin-form, absolute-form (http/https) and OPTIONS * (RFC 9112 §3.2)';
const VERSION =
  'gunicorn: 20.1 serves a request line with HTTP/0.9, /2.0 or /3.0 as HTTP/1; Gantry refuses (505, or 400 for a malformed version)';

export const GUNICORN_CORPUS_DIFFERENCES: Readonly<Record<string, string>> = {
  'valid/003': PIPELINING,
  'valid/006': PIPELINING,
  'valid/011': PIPELINING,
  'valid/017': PIPELINING,
  'valid/023': PIPELINING,
  'valid/037': PIPELINING,
  'valid/038': PIPELINING,
  'valid/039': PIPELINING,
  'invalid/037': PIPELINING,
  'invalid/056': PIPELINING,
  'valid/015':
    'deliberate: gunicorn joins repeated fields with "," (and cookies too, which breaks cookie parsing); Gantry uses ", " and "; " for Cookie (RFC 9110 §5.3, RFC 6265 §5.4)',
  'valid/016':
    'gunicorn: 20.1 keeps trailing whitespace of a field value; RFC 9110 §5.5 says it is not part of the value (Gantry drops it)',
  'valid/027':
    'gunicorn: 20.1 answers 400 to an empty line before the request line; RFC 9112 §2.2 says a server SHOULD ignore it (Gantry does)',
  'invalid/001': CHUNK_ERROR,
  'invalid/002': CHUNK_ERROR,
  'invalid/003': CHUNK_ERROR,
  'invalid/004': CHUNK_ERROR,
  'invalid/066': CHUNK_ERROR,
  'invalid/067': CHUNK_ERROR,
  'invalid/005':
    'gunicorn: 20.1 accepts whitespace before a chunk size (a smuggling vector against front proxies that do not); Gantry answers 400',
  'invalid/010': TRANSFER_CODING,
  'invalid/011': TRANSFER_CODING,
  'invalid/012': TRANSFER_CODING,
  'invalid/051': TRANSFER_CODING,
  'invalid/052': TRANSFER_CODING,
  'invalid/053': TRANSFER_CODING,
  'invalid/054': TRANSFER_CODING,
  'invalid/078': TRANSFER_CODING,
  'invalid/079': TRANSFER_CODING,
  'invalid/080': TRANSFER_CODING,
  'invalid/015':
    "deliberate: bare LF line endings; RFC 9112 §2.2 allows either; gunicorn 20.1 hangs waiting for a CRLF, Gantry (node's parser) refuses with 400",
  'invalid/016': LENIENT_HEAD,
  'invalid/021': LENIENT_HEAD,
  'invalid/025': LENIENT_HEAD,
  'invalid/026': LENIENT_HEAD,
  'invalid/029': LENIENT_HEAD,
  'invalid/057': LENIENT_HEAD,
  'invalid/061': LENIENT_HEAD,
  'invalid/073': LENIENT_HEAD,
  'invalid/074': LENIENT_HEAD,
  'invalid/017': LIMIT_STATUS,
  'invalid/018': LIMIT_STATUS,
  'invalid/019': LIMIT_STATUS,
  'invalid/022': VERSION,
  'invalid/038': VERSION,
  'invalid/072': VERSION,
  'invalid/046': TARGET,
  'invalid/047': TARGET,
  'invalid/048': TARGET,
  'invalid/049': TARGET,
  'invalid/050': TARGET,
  'invalid/039': 'deliberate: gunicorn has no header timeout (a slowloris client holds a thread); Gantry closes after --header-timeout',
  'invalid/040': 'deliberate: gunicorn has no request body limit; Gantry answers 413 to a Content-Length past --limit-request-body',
  'invalid/041': 'deliberate: gunicorn has no request body limit; Gantry answers 413 when a chunked body grows past --limit-request-body',
  'invalid/043': 'gunicorn: 20.1 waits for a 2^64-byte body; Gantry answers 400 to a Content-Length that overflows',
  'invalid/044': 'deliberate: gunicorn hands CONNECT to the app; Gantry answers 501 (a WSGI app cannot open a tunnel)',
  'invalid/045':
    'deliberate: gunicorn sends 100 Continue for any body (it has no body limit); Gantry answers 413 without 100 Continue past --limit-request-body',
};

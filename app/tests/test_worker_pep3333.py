# End-to-end: the real worker serving fixtures/pep_app.py (validator-wrapped) over FastCGI.
# Every PEP 3333 rule the worker is responsible for, run against the inline (--threads 1) and
# the thread-pool (--threads 4) paths.
import hashlib
import json
import os
import unittest
import uuid

from harness import Response, Worker, fastcgi, params_for


def token():
    return uuid.uuid4().hex[:12]


class _Pep3333(object):
    threads = 1

    @classmethod
    def setUpClass(cls):
        cls.w = Worker('pep_app:application', threads=cls.threads)

    @classmethod
    def tearDownClass(cls):
        cls.w.close()

    def get(self, path, **kw):
        return self.w.request(path, **kw)

    def json(self, path, **kw):
        r = self.get(path, **kw)
        self.assertEqual(r.status, '200 OK', r.stdout[:500] + r.stderr)
        self.assertEqual(r.app_status, 0)
        return json.loads(r.body)

    # --- environ ---
    def test_environ_keys_and_types(self):
        env = self.json('/environ', query='a=1&b=2', headers={'HTTP_X_CUSTOM': 'yes'})
        for k in ('REQUEST_METHOD', 'SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING', 'SERVER_NAME', 'SERVER_PORT',
                  'SERVER_PROTOCOL', 'HTTP_X_CUSTOM', 'REMOTE_ADDR'):
            self.assertEqual(env[k]['type'], 'str', k)
        self.assertEqual(env['QUERY_STRING']['value'], 'a=1&b=2')
        self.assertEqual(env['wsgi.version']['value'], [1, 0])
        self.assertEqual(env['wsgi.url_scheme']['value'], 'http')
        self.assertIs(env['wsgi.multithread']['value'], self.threads > 1)
        self.assertIs(env['wsgi.multiprocess']['value'], True)
        self.assertIs(env['wsgi.run_once']['value'], False)
        self.assertEqual(env['_input_methods'], ['read', 'readline', 'readlines', '__iter__'])
        self.assertEqual(env['_errors_methods'], ['write', 'writelines', 'flush'])
        self.assertTrue(env['_file_wrapper_callable'])
        self.assertNotIn('CONTENT_LENGTH', env)

    def test_https_sets_url_scheme(self):
        env = self.json('/environ', extra=[('HTTPS', 'on')])
        self.assertEqual(env['wsgi.url_scheme']['value'], 'https')

    def test_content_headers_have_no_http_prefix(self):
        env = self.json('/environ', method='POST', body=b'abc',
                        extra=[('HTTP_CONTENT_TYPE', 'x/y'), ('HTTP_CONTENT_LENGTH', '3')])
        self.assertEqual(env['CONTENT_LENGTH']['value'], '3')
        self.assertEqual(env['CONTENT_TYPE']['value'], 'application/octet-stream')
        self.assertNotIn('HTTP_CONTENT_TYPE', env)
        self.assertNotIn('HTTP_CONTENT_LENGTH', env)

    def test_empty_content_length_dropped(self):
        env = self.json('/environ', extra=[('CONTENT_LENGTH', ''), ('CONTENT_TYPE', '')])
        self.assertNotIn('CONTENT_LENGTH', env)
        self.assertNotIn('CONTENT_TYPE', env)

    def test_path_info_is_latin1_of_raw_bytes(self):
        # The gateway passes the percent-decoded path bytes unchanged; here b'/path/caf\xe9/\xe2\x82\xac'
        # (latin-1 e-acute, then a UTF-8 euro sign). PEP 3333: each byte becomes one char.
        raw = b'/path/caf\xe9/\xe2\x82\xac'
        r = self.json('/path', raw_path=raw.decode('latin-1'))
        self.assertEqual(r['PATH_INFO_hex'], raw.hex())
        self.assertEqual(r['PATH_INFO'], '/path/caf\u00e9/\u00e2\u0082\u00ac')
        self.assertEqual(r['SCRIPT_NAME'], '')

    def test_path_info_latin1_reaches_app(self):
        env = self.json('/environ', extra=[('HTTP_X_RAW', '\u00e9\u00ff')])
        self.assertEqual(env['HTTP_X_RAW']['value'], '\u00e9\u00ff')

    def test_path_info_derived_from_request_uri_when_absent(self):
        c = self.w.connect()
        try:
            params = [kv for kv in params_for('/x') if kv[0] not in ('PATH_INFO', 'REQUEST_URI', 'SCRIPT_NAME')]
            params += [('REQUEST_URI', '/pa%74h?q=1'), ('SCRIPT_NAME', '/pa%74h')]
            c.begin(1, params)
            c.stdin(1, b'')
            r = c.wait_end(1)
        finally:
            c.close()
        body = json.loads(r.body)
        self.assertEqual(body['PATH_INFO'], '/path')
        self.assertEqual(body['SCRIPT_NAME'], '')

    # --- wsgi.input ---
    def test_read_sized_and_past_content_length(self):
        body = b'0123456789abcdefghij'
        r = self.json('/read-sized', query='n=7', method='POST', body=body)
        self.assertEqual(r['sizes'], [7, 7, 6])
        self.assertEqual(r['after_eof'], '')

    def test_read_stops_at_content_length_even_if_more_stdin(self):
        c = self.w.connect()
        try:
            params = params_for('/read-all', 'POST', body=b'12345')
            c.begin(1, params)
            c.stdin(1, b'12345EXTRA-BYTES')
            r = c.wait_end(1)
        finally:
            c.close()
        body = json.loads(r.body)
        self.assertEqual(body['len'], 5)
        self.assertEqual(body['more'], '')
        self.assertEqual(body['more2'], '')

    def test_read_all_across_many_records(self):
        chunks = [os.urandom(1000) for _ in range(50)]
        c = self.w.connect()
        try:
            r = c.request('/read-all', method='POST', chunks=chunks)
        finally:
            c.close()
        body = json.loads(r.body)
        self.assertEqual(body['len'], 50000)
        self.assertEqual(body['sha'], hashlib.sha256(b''.join(chunks)).hexdigest())

    def test_readline_variants(self):
        data = b'first line\nsecond\n\nlast-no-newline'
        want = ['first line\n', 'second\n', '\n', 'last-no-newline']
        for mode in ('readline', 'readlines', 'iter'):
            with self.subTest(mode):
                self.assertEqual(self.json('/lines', query='mode=' + mode, method='POST', body=data)['lines'], want)
        limited = self.json('/lines', query='mode=limit', method='POST', body=b'abcdefg\nhi\n')['lines']
        self.assertEqual(limited, ['abcd', 'efg\n', 'hi\n'])
        hinted = self.json('/lines', query='mode=hint', method='POST', body=b'ab\ncd\nef\ngh\n')['lines']
        self.assertEqual(hinted, ['ab\n', 'cd\n'])

    def test_readline_across_record_boundaries(self):
        chunks = [b'hel', b'lo\nwor', b'ld\n', b'tail']
        c = self.w.connect()
        try:
            r = c.request('/lines', query='mode=readline', method='POST', chunks=chunks)
        finally:
            c.close()
        self.assertEqual(json.loads(r.body)['lines'], ['hello\n', 'world\n', 'tail'])

    def test_large_upload_streams(self):
        # 64 MiB in 256 KiB pieces; the worker's peak RSS must stay far below the body size.
        piece = os.urandom(1 << 18)
        n = 256
        c = self.w.connect()
        try:
            params = [kv for kv in params_for('/upload', 'POST') if kv[0] != 'CONTENT_LENGTH']
            params.append(('CONTENT_LENGTH', str(len(piece) * n)))
            c.begin(1, params)
            for _ in range(n):
                c.stdin(1, piece, end=False)
            c.stdin(1, b'')
            r = c.wait_end(1)
        finally:
            c.close()
        body = json.loads(r.body)
        h = hashlib.sha256()
        for _ in range(n):
            h.update(piece)
        self.assertEqual(body['len'], len(piece) * n)
        self.assertEqual(body['sha'], h.hexdigest())
        if body['peak_kb']:
            self.assertLess(body['peak_kb'], 48 * 1024, 'worker buffered the upload')

    def test_unread_upload_is_not_pulled_into_memory(self):
        # The app streams 25 MiB back without reading a 64 MiB upload; the client sends the upload
        # from a thread while reading the response. The worker must not buffer the upload.
        import threading
        piece = b'u' * (1 << 20)
        c = self.w.connect()
        try:
            params = [kv for kv in params_for('/stream-ignoring-body', 'POST') if kv[0] != 'CONTENT_LENGTH']
            c.begin(1, params + [('CONTENT_LENGTH', str(64 * len(piece)))])

            def upload():
                try:
                    for _ in range(64):
                        c.stdin(1, piece, end=False)
                    c.stdin(1, b'')
                except OSError:
                    pass  # the worker ended the request first: fine
            t = threading.Thread(target=upload)
            t.daemon = True
            t.start()
            r = c.wait_end(1)
        finally:
            c.close()
        self.assertEqual(r.app_status, 0)
        peak = int(bytes(r.stdout).rsplit(b'peak_kb=', 1)[1])
        if peak:
            self.assertLess(peak, 48 * 1024, 'worker buffered the unread upload')

    # --- response ---
    def test_write_callable(self):
        r = self.get('/write')
        self.assertEqual(r.body, b'one,two,three')

    def test_exc_info_before_headers_replaces_status(self):
        r = self.get('/exc-info-before')
        self.assertEqual(r.status, '500 Oops')
        self.assertEqual(r.body, b'replaced by exc_info')
        self.assertEqual(r.app_status, 0)

    def test_exc_info_after_headers_reraises(self):
        t = token()
        r = self.get('/exc-info-after', query='t=' + t)
        self.assertTrue(self.w.stdout.wait_for(('RERAISED:%s' % t).encode()))
        self.assertEqual(r.status, '200 OK')
        self.assertEqual(r.body, b'partial')
        self.assertEqual(r.app_status, 1)
        self.assertIn(b'KeyError', r.stderr)

    def test_second_start_response_without_exc_info_refused(self):
        self.assertEqual(self.get('/second-start').body, b'refused')

    def test_hop_by_hop_headers_dropped_connection_close_kept(self):
        # As gunicorn: dropped, not a 500; `Connection: close` goes on for the gateway to act on.
        r = self.get('/hop-headers')
        self.assertEqual(r.status, '200 OK')
        self.assertEqual(r.body, b'hop')
        names = [k.lower() for k, v in r.split()[1]]
        self.assertEqual(names, ['status', 'content-type', 'connection', 'x-kept'])
        self.assertEqual(r.header('Connection'), 'close')
        r = self.get('/hop-headers', query='connection=keep-alive')
        self.assertEqual([k.lower() for k, v in r.split()[1]], ['status', 'content-type', 'x-kept'])
        r = self.get('/hop-headers', query='connection=Upgrade,CLOSE')
        self.assertEqual(r.header('Connection'), 'close')

    def test_bad_headers_refused(self):
        for kind in ('bytes', 'status', 'status-short', 'crlf', 'tuple'):
            with self.subTest(kind):
                r = self.get('/bad-headers', query='kind=' + kind)
                self.assertTrue(r.body.startswith(b'refused'), r.body)

    def test_status_without_reason_accepted(self):
        # gunicorn takes '200' as a status; so does the worker (the gateway sends the standard phrase).
        r = self.get('/bad-headers', query='kind=status-no-reason')
        self.assertEqual(r.status, '200')
        self.assertEqual(r.body, b'accepted')

    def test_close_called(self):
        t = token()
        r = self.get('/close', query='t=' + t)
        self.assertEqual(r.body, b'abc')
        self.assertTrue(self.w.stdout.wait_for(('CLOSED:%s' % t).encode()))

    def test_close_called_on_error_mid_body(self):
        t = token()
        r = self.get('/close-on-error', query='t=' + t)
        self.assertEqual(r.app_status, 1)
        self.assertIn(b'mid-body failure', r.stderr)
        self.assertTrue(self.w.stdout.wait_for(('CLOSED:%s' % t).encode()))

    def test_file_wrapper(self):
        for n in (0, 1000, 200001):
            with self.subTest(n):
                r = self.get('/file', query='n=%d' % n)
                want = bytes(range(256)) * (n // 256) + b'z' * (n % 256)
                self.assertEqual(r.body, want)
                self.assertEqual(r.header('Content-Length'), str(n))

    def test_big_body_split_into_records(self):
        r = self.get('/big', query='n=300000')
        self.assertEqual(len(r.body), 300000)
        sizes = [len(c) for t, c in r.records if t == fastcgi.STDOUT]
        self.assertTrue(all(s <= 65535 for s in sizes))

    def test_empty_body(self):
        r = self.get('/empty')
        self.assertEqual(r.status, '204 No Content')
        self.assertEqual(r.body, b'')
        self.assertEqual(r.app_status, 0)
        r = self.get('/empty-chunks')
        self.assertEqual(r.status, '200 OK')
        self.assertEqual(r.body, b'')

    def test_head_sends_headers_only(self):
        r = self.get('/head', method='HEAD')
        self.assertEqual(r.status, '200 OK')
        self.assertEqual(r.header('Content-Length'), str(len(b'body that HEAD must not send')))
        self.assertEqual(r.body, b'')

    def test_headers_delayed_until_first_body_byte(self):
        r = self.get('/delayed')
        self.assertEqual(r.status, '500 Internal Server Error')
        self.assertEqual(r.body, b'Internal Server Error')
        self.assertEqual(r.app_status, 1)

    def test_small_response_is_one_write(self):
        # headers + body + end records arrive as one unit: STDOUT, empty STDOUT, END_REQUEST.
        r = self.get('/head')
        self.assertEqual([t for t, _ in r.records], [fastcgi.STDOUT, fastcgi.STDOUT, fastcgi.END_REQUEST])

    # --- errors and output channels ---
    def test_app_exception_gives_500_and_worker_keeps_serving(self):
        t = token()
        r = self.get('/error', query='t=' + t)
        self.assertEqual(r.status, '500 Internal Server Error')
        self.assertEqual(r.body, b'Internal Server Error')
        self.assertEqual(r.app_status, 1)
        self.assertIn(b'Traceback (most recent call last)', r.stderr)
        self.assertIn(('boom-%s' % t).encode(), r.stderr)
        self.assertEqual(self.get('/write').body, b'one,two,three')

    def test_system_exit_in_app_is_a_500(self):
        for _ in range(2):
            r = self.get('/sys-exit')
            self.assertEqual(r.status, '500 Internal Server Error')
            self.assertIn(b'SystemExit', r.stderr)
        self.assertEqual(self.get('/write').body, b'one,two,three')

    def test_error_after_start_aborts_stream(self):
        r = self.get('/error-after')
        self.assertEqual(r.status, '200 OK')
        self.assertEqual(r.body, b'started')
        self.assertEqual(r.app_status, 1)
        self.assertIn(b'boom-after', r.stderr)

    def test_stderr_captured_per_request(self):
        t = token()
        r = self.get('/stderr', query='t=' + t)
        self.assertIn(('SYS-STDERR:%s' % t).encode(), r.stderr)
        self.assertIn(('WSGI-ERRORS:%s' % t).encode(), r.stderr)
        self.assertNotIn(t.encode(), r.stdout)
        self.assertNotIn(t, self.w.stderr.text())

    def test_print_goes_to_fd1_not_socket(self):
        t = token()
        r = self.get('/print', query='t=' + t)
        self.assertEqual(r.body, b'ok')
        self.assertNotIn(t.encode(), bytes(r.stdout))
        self.assertTrue(self.w.stdout.wait_for(('PRINTED:%s\n' % t).encode()))

    # --- protocol ---
    def test_keep_conn_serves_many_requests_on_one_connection(self):
        c = self.w.connect()
        try:
            for i in range(20):
                r = c.request('/echo', method='POST', body=b'n%d' % i, rid=1)
                self.assertEqual(r.body, b'n%d' % i)
        finally:
            c.close()

    def test_no_keep_conn_closes_connection(self):
        c = self.w.connect()
        try:
            r = c.request('/echo', method='POST', body=b'bye', keep=False)
            self.assertEqual(r.body, b'bye')
            self.assertEqual(c.sock.recv(10), b'')
        finally:
            c.close()

    def test_get_values(self):
        c = self.w.connect()
        try:
            rtype, rid, content = c.management(fastcgi.encode_record(
                fastcgi.GET_VALUES, 0, fastcgi.encode_pairs([('FCGI_MPXS_CONNS', ''), ('FCGI_MAX_REQS', ''),
                                                             ('NOT_A_VALUE', '')])))
        finally:
            c.close()
        self.assertEqual(rtype, fastcgi.GET_VALUES_RESULT)
        self.assertEqual(dict(fastcgi.decode_pairs(content)),
                         {'FCGI_MPXS_CONNS': '1' if self.threads > 1 else '0', 'FCGI_MAX_REQS': str(self.threads)})

    def test_unknown_type(self):
        c = self.w.connect()
        try:
            rtype, rid, content = c.management(fastcgi.encode_record(20, 0, b'abc'))
            self.assertEqual((rtype, rid, content.hex()), (fastcgi.UNKNOWN_TYPE, 0, '1400000000000000'))
            self.assertEqual(c.request('/write').body, b'one,two,three')
        finally:
            c.close()

    def test_unknown_role(self):
        c = self.w.connect()
        try:
            c.begin(3, params_for('/write'), role=fastcgi.AUTHORIZER)
            r = c.wait_end(3)
        finally:
            c.close()
        self.assertEqual(r.protocol_status, fastcgi.UNKNOWN_ROLE)

    def test_abort_streaming_response_calls_close(self):
        t = token()
        c = self.w.connect()
        try:
            c.begin(1, params_for('/close-raw', query='forever=1&t=' + t))
            c.stdin(1, b'')
            r = c.responses[1]
            c.wait(lambda: b'first' in r.stdout)
            c.abort(1)
            c.wait(lambda: r.ended)
            self.assertEqual(r.app_status, 1)
            self.assertTrue(self.w.stdout.wait_for(('CLOSED:%s' % t).encode()))
            # The connection is still good for the next request.
            self.assertEqual(c.request('/write', rid=2).body, b'one,two,three')
        finally:
            c.close()

    def test_abort_while_app_reads_body(self):
        t = token()
        c = self.w.connect()
        try:
            params = [kv for kv in params_for('/wait-input', 'POST', query='t=' + t) if kv[0] != 'CONTENT_LENGTH']
            c.begin(1, params + [('CONTENT_LENGTH', '1000000')])
            self.assertTrue(self.w.stdout.wait_for(('READING:%s' % t).encode()))
            c.stdin(1, b'partial', end=False)
            c.abort(1)
            r = c.wait_end(1)
            self.assertEqual(r.app_status, 1)
            self.assertTrue(self.w.stdout.wait_for(('INPUT-ABORTED:%s:ClientDisconnected' % t).encode()))
        finally:
            c.close()

    def test_abort_before_params_complete(self):
        c = self.w.connect()
        try:
            c.responses[5] = Response()
            c.send(fastcgi.encode_begin_request(5))
            c.abort(5)
            r = c.wait_end(5)
            self.assertEqual(r.app_status, 1)
            self.assertEqual(r.stdout, b'')
        finally:
            c.close()

    def test_gateway_disconnect_mid_stream_calls_close(self):
        t = token()
        c = self.w.connect()
        c.begin(1, params_for('/close-raw', query='forever=1&t=' + t))
        c.stdin(1, b'')
        r = c.responses[1]
        c.wait(lambda: b'first' in r.stdout)
        c.close()
        self.assertTrue(self.w.stdout.wait_for(('CLOSED:%s' % t).encode()))
        self.assertEqual(self.get('/write').body, b'one,two,three')

    def test_params_split_across_records(self):
        c = self.w.connect()
        try:
            content = fastcgi.encode_pairs(params_for('/write'))
            c.responses[1] = Response()
            data = fastcgi.encode_begin_request(1)
            for i in range(0, len(content), 5):
                data += fastcgi.encode_record(fastcgi.PARAMS, 1, content[i:i + 5])
            data += fastcgi.end_stream(fastcgi.PARAMS, 1) + fastcgi.end_stream(fastcgi.STDIN, 1)
            c.send(data)
            self.assertEqual(c.wait_end(1).body, b'one,two,three')
        finally:
            c.close()

    def test_sys_path_has_no_worker_folder(self):
        r = self.json('/syspath')
        app_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        self.assertNotIn(app_dir, [os.path.abspath(p or '.') for p in r['path']])
        self.assertFalse(r['examples_importable'])


class InlineWorkerTest(_Pep3333, unittest.TestCase):
    threads = 1

    def test_pipelined_requests_on_one_connection(self):
        c = self.w.connect()
        try:
            for rid in (1, 2, 3):
                c.begin(rid, params_for('/echo', 'POST', body=b'p%d' % rid))
                c.stdin(rid, b'p%d' % rid)
            for rid in (1, 2, 3):
                self.assertEqual(c.wait_end(rid).body, b'p%d' % rid)
        finally:
            c.close()


class ThreadedWorkerTest(_Pep3333, unittest.TestCase):
    threads = 4

    def test_multiplexed_ids_run_concurrently(self):
        # Both requests wait on one barrier: they only finish if the worker runs them at once.
        k = token()
        c = self.w.connect()
        try:
            for rid in (1, 2):
                c.begin(rid, params_for('/barrier', query='k=%s&n=2' % k))
                c.stdin(rid, b'')
            r1, r2 = c.wait_end(1), c.wait_end(2)
        finally:
            c.close()
        self.assertEqual((r1.status, r2.status), ('200 OK', '200 OK'))
        self.assertNotEqual(r1.body, r2.body)  # different pool threads

    def test_second_request_while_first_runs_on_reader_thread(self):
        # The first request runs on the connection's own thread; the second arrives on the same
        # connection only once the first is inside the app: the worker must still read and run it.
        k = token()
        c = self.w.connect()
        try:
            c.begin(1, params_for('/barrier', query='k=%s&n=2' % k))
            c.stdin(1, b'')
            self.assertTrue(self.w.stdout.wait_for(('BARRIER-WAIT:%s' % k).encode()))
            c.begin(2, params_for('/barrier', query='k=%s&n=2' % k))
            c.stdin(2, b'')
            r1, r2 = c.wait_end(1), c.wait_end(2)
            self.assertEqual((r1.status, r2.status), ('200 OK', '200 OK'))
            # ...and the connection keeps working afterwards.
            self.assertEqual(c.request('/write', rid=3).body, b'one,two,three')
        finally:
            c.close()

    def test_concurrent_connections(self):
        k = token()
        conns = [self.w.connect() for _ in range(4)]
        try:
            for c in conns:
                c.begin(1, params_for('/barrier', query='k=%s&n=4' % k))
                c.stdin(1, b'')
            for c in conns:
                self.assertEqual(c.wait_end(1).status, '200 OK')
        finally:
            for c in conns:
                c.close()

    def test_no_more_than_threads_requests_run_at_once(self):
        # threads + 1 requests wait on a barrier for threads + 1: it can only break (after 0.5 s),
        # never be met, if the worker keeps its bound.
        k = token()
        n = self.threads + 1
        conns = [self.w.connect() for _ in range(n)]
        try:
            for c in conns:
                c.begin(1, params_for('/barrier', query='k=%s&n=%d&to=0.5' % (k, n)))
                c.stdin(1, b'')
            statuses = [c.wait_end(1).status for c in conns]
        finally:
            for c in conns:
                c.close()
        self.assertIn('503 Service Unavailable', statuses)

    def test_stderr_of_concurrent_requests_stays_separate(self):
        c = self.w.connect()
        toks = [token() for _ in range(8)]
        try:
            for i, t in enumerate(toks):
                c.begin(i + 1, params_for('/stderr', query='t=' + t))
                c.stdin(i + 1, b'')
            for i, t in enumerate(toks):
                r = c.wait_end(i + 1)
                self.assertIn(('SYS-STDERR:%s' % t).encode(), r.stderr)
                for other in toks:
                    if other != t:
                        self.assertNotIn(other.encode(), r.stderr)
        finally:
            c.close()


if __name__ == '__main__':
    unittest.main()

# Codec tests against protocol/fastcgi-vectors.json: parse every vector, and produce every
# canonical one byte-identically (the TypeScript side runs the same vectors).
import json
import unittest

from harness import VECTORS, fastcgi


def _load():
    with open(VECTORS) as f:
        return json.load(f)


class VectorsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = _load()
        cls.vectors = cls.doc['vectors']

    def test_file_is_documented_and_covers_the_cases(self):
        self.assertIn('_doc', self.doc)
        names = set(v['name'] for v in self.vectors)
        for needed in ('params_long_value', 'params_long_name', 'stdout_split_65535', 'multiplexed_two_requests',
                       'abort_request', 'unknown_type_in', 'unknown_type_reply', 'get_values', 'get_values_result'):
            self.assertIn(needed, names)

    def test_parse(self):
        for v in self.vectors:
            with self.subTest(v['name']):
                recs = fastcgi.parse_all(bytes.fromhex(v['hex']))
                self.assertEqual(len(recs), len(v['records']))
                for (rtype, rid, content), want in zip(recs, v['records']):
                    self.assertEqual(rtype, want['type'])
                    self.assertEqual(rid, want['requestId'])
                    self.assertEqual(content.hex(), want['contentHex'])
                    if 'pairs' in want:
                        self.assertEqual([list(p) for p in fastcgi.decode_pairs(content)], want['pairs'])
                    if 'role' in want:
                        self.assertEqual(fastcgi.decode_begin_request(content), (want['role'], want['flags']))
                    if 'appStatus' in want:
                        self.assertEqual(fastcgi.decode_end_request(content),
                                         (want['appStatus'], want['protocolStatus']))
                    if 'unknownType' in want:
                        self.assertEqual(content[0], want['unknownType'])

    def test_parse_byte_by_byte(self):
        # The incremental parser must give the same records however the bytes are cut.
        for v in self.vectors:
            if len(v['hex']) > 20000:
                continue
            with self.subTest(v['name']):
                data = bytes.fromhex(v['hex'])
                p = fastcgi.RecordParser()
                got = []
                for i in range(len(data)):
                    got += p.feed(data[i:i + 1])
                self.assertEqual([(t, r, c.hex()) for t, r, c in got],
                                 [(w['type'], w['requestId'], w['contentHex']) for w in v['records']])
                self.assertEqual(p.pending(), 0)

    def test_produce(self):
        for v in self.vectors:
            if not v['canonical']:
                continue
            with self.subTest(v['name']):
                out = b''
                for r in v['records']:
                    content = bytes.fromhex(r['contentHex'])
                    if r['type'] == fastcgi.BEGIN_REQUEST:
                        rec = fastcgi.encode_begin_request(r['requestId'], r['role'], r['flags'])
                    elif r['type'] == fastcgi.END_REQUEST:
                        rec = fastcgi.encode_end_request(r['requestId'], r['appStatus'], r['protocolStatus'])
                    elif r['type'] == fastcgi.UNKNOWN_TYPE:
                        rec = fastcgi.encode_unknown_type(r['unknownType'])
                    elif 'pairs' in r:
                        rec = fastcgi.encode_record(r['type'], r['requestId'], fastcgi.encode_pairs(r['pairs']))
                    else:
                        rec = fastcgi.encode_record(r['type'], r['requestId'], content)
                    out += rec
                self.assertEqual(out.hex(), v['hex'])

    def test_streams(self):
        for v in self.vectors:
            for s in v.get('streams', []):
                with self.subTest(v['name']):
                    if 'pairs' in s:
                        content = b''.join(bytes.fromhex(r['contentHex']) for r in v['records']
                                           if r['type'] == s['type'] and r['requestId'] == s['requestId'])
                        self.assertEqual([list(p) for p in fastcgi.decode_pairs(content)], s['pairs'])
                    if 'contentHex' in s:
                        out = fastcgi.encode_stream(s['type'], s['requestId'], bytes.fromhex(s['contentHex']))
                        self.assertEqual(out.hex(), v['hex'])


class CodecTest(unittest.TestCase):
    def test_pairs_round_trip_lengths(self):
        for n in (0, 1, 127, 128, 255, 65536, 70000):
            pairs = [('K' * max(n, 1), 'v' * n)]
            self.assertEqual(fastcgi.decode_pairs(fastcgi.encode_pairs(pairs)), pairs)

    def test_truncated_pairs_raise(self):
        good = fastcgi.encode_pairs([('NAME', 'value')])
        for cut in range(1, len(good)):
            with self.assertRaises(ValueError):
                fastcgi.decode_pairs(good[:cut])

    def test_empty_stream_encodes_nothing(self):
        self.assertEqual(fastcgi.encode_stream(fastcgi.STDOUT, 1, b''), b'')
        self.assertEqual(fastcgi.end_stream(fastcgi.STDOUT, 1).hex(), '0106000100000000')

    def test_exact_65535_is_one_record(self):
        out = fastcgi.encode_stream(fastcgi.STDOUT, 1, b'a' * 65535)
        self.assertEqual(len(fastcgi.parse_all(out)), 1)
        out = fastcgi.encode_stream(fastcgi.STDOUT, 1, b'a' * (65535 * 2 + 1))
        self.assertEqual([len(c) for _, _, c in fastcgi.parse_all(out)], [65535, 65535, 1])

    def test_bad_version_rejected(self):
        with self.assertRaises(ValueError):
            fastcgi.RecordParser().feed(bytes.fromhex('0206000100000000'))


if __name__ == '__main__':
    unittest.main()

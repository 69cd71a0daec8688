// The HTTP corpus (test/http-corpus/) against Debian's gunicorn 20.1, judged exactly as Gantry is
// judged there: the cases gunicorn does not pass must be exactly the documented differences
// (corpus-differences.ts), each with its reason. A case that starts or stops differing fails here, so
// the list stays true.
import { describe, expect, it } from 'vitest';
import { scope } from '../helpers/per-test.js';
import { loadCorpus } from '../http-corpus/corpus.js';
import { exchange, judge, startReferenceGunicorn } from '../http-corpus/corpus-runner.js';
import { GUNICORN_CORPUS_DIFFERENCES } from './corpus-differences.js';

describe('HTTP corpus: gunicorn vs Gantry', () => {
  const server = scope(startReferenceGunicorn, (s) => s.stop(), 'file');

  it('gunicorn misses exactly the documented cases', async () => {
    const differing: string[] = [];
    for (const dir of ['valid', 'invalid'] as const) {
      for (const c of loadCorpus(dir)) {
        let ok: boolean;
        try {
          // gunicorn leaves pipelined requests waiting: 3 s is plenty for anything it does answer.
          const { finals, closed } = await exchange(server.port, c, 3_000);
          ok = judge(c, finals, closed).ok;
        } catch {
          ok = false;
        }
        if (!ok) differing.push(c.id);
      }
    }
    expect(differing.sort()).toEqual(Object.keys(GUNICORN_CORPUS_DIFFERENCES).sort());
  }, 600_000);
});

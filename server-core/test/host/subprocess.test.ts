// runTool: the one helper for short-lived tools off the request path (execa, bounded, never rejecting).
import { describe, expect, it } from 'vitest';
import { runTool } from '../../src/subprocess.js';

describe('runTool', () => {
  it('gives the exit code and both streams, interleaved too', async () => {
    const r = await runTool('python3', ['-c', 'import sys; print("out", flush=True); sys.stderr.write("err\\n"); sys.exit(3)']);
    expect(r).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false, error: null });
    expect(r.all).toBe('out\nerr\n');
  });

  it('a program that is not there: no code, the reason', async () => {
    expect(await runTool('/nonexistent/tool', [])).toMatchObject({
      code: null,
      timedOut: false,
      error: expect.stringMatching(/^ENOENT: /),
    });
  });

  it('past its timeout it is killed, keeping what it wrote', async () => {
    const r = await runTool('python3', ['-c', 'import sys, time; sys.stderr.write("started\\n"); sys.stderr.flush(); time.sleep(60)'], {
      timeoutMs: 10_000,
    }); // room for a slow start on a loaded machine
    expect(r).toMatchObject({ code: null, timedOut: true, error: null, stderr: 'started\n' });
  });
});

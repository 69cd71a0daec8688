// The per-install control API token: 32 random bytes, hex, in a file only the user can read (0600).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { TOKEN_FILE } from './paths.js';

export async function loadOrCreateToken(home: string): Promise<string> {
  const file = path.join(home, TOKEN_FILE);
  try {
    const text = (await fs.readFile(file, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/.test(text)) {
      await fs.chmod(file, 0o600); // tighten a copy that was loosened by hand
      return text;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await fs.mkdir(home, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('hex');
  await writeFileAtomic(file, token + '\n', 0o600);
  return token;
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

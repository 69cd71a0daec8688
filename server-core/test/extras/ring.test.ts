// The one bounded history (src/ring.ts): sequence numbers, paging, the resume window, the byte budget, eviction.
import { describe, expect, it } from 'vitest';
import { Ring } from '../../src/ring.js';

const filled = (capacity: number, n: number): Ring<number> => {
  const r = new Ring<number>({ capacity });
  for (let i = 1; i <= n; i++) r.push(i);
  return r;
};

describe('Ring', () => {
  it('keeps the newest items, oldest first, each push numbered', () => {
    const r = new Ring<string>({ capacity: 3 });
    expect([r.latestSeq, r.oldestSeq, r.size, r.nextSeq]).toEqual([0, 0, 0, 1]);
    expect(['a', 'b', 'c', 'd', 'e'].map((x) => r.push(x))).toEqual([1, 2, 3, 4, 5]);
    expect(r.toArray()).toEqual(['c', 'd', 'e']);
    expect(r.toArray(2)).toEqual(['d', 'e']);
    expect([r.size, r.oldestSeq, r.latestSeq]).toEqual([3, 3, 5]);
  });

  it('grows its storage as items come and stays in order across wrap-arounds', () => {
    const r = filled(100, 1000);
    expect(r.toArray()).toEqual(Array.from({ length: 100 }, (_, i) => 901 + i));
    const small = filled(1_000_000, 40); // a large bound costs nothing until it is reached
    expect(small.toArray()).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('pages within a byte bound (whole items, at least one), both ways, across a wrap-around; the oldest item held', () => {
    const r = new Ring<string>({ capacity: 6, maxBytes: 1000, sizeOf: (s) => s.length });
    for (const s of ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff', 'ggggggg', 'hhhhhhhh']) r.push(s); // holds c..h
    expect(r.oldest).toBe('ccc');
    const back = r.page(() => true, { maxBytes: 15 });
    expect(back.items).toEqual(['hhhhhhhh', 'ggggggg']); // 15 bytes; 'ffffff' would make 21
    expect(r.page(() => true, { before: back.nextBefore!, maxBytes: 11 }).items).toEqual(['ffffff', 'eeeee']);
    expect(r.page(() => true, { after: 3, maxBytes: 8 }).items).toEqual(['dddd']); // 'eeeee' would make 9
    expect(r.page(() => true, { maxBytes: 1 }).items).toEqual(['hhhhhhhh']); // one, even over the bound
    expect(r.page(() => true, { maxBytes: 1000, limit: 2 }).items).toHaveLength(2);
    expect(new Ring<string>({ capacity: 2 }).oldest).toBeUndefined();
  });

  it('pages newest-first with before, tails oldest-first with after', () => {
    const r = filled(5, 8); // holds 4..8, seq = value
    const p1 = r.page(() => true, { limit: 2 });
    expect(p1.items).toEqual([8, 7]);
    expect(p1.nextBefore).toBe(7);
    const p2 = r.page(() => true, { limit: 10, before: p1.nextBefore! });
    expect(p2.items).toEqual([6, 5, 4]);
    expect(p2.nextBefore).toBeNull();
    expect(r.page((x) => x % 2 === 0, { after: 4 }).items).toEqual([6, 8]);
    expect(r.page(() => true, { after: 1, limit: 2 }).items).toEqual([4, 5]);
    expect(r.page(() => true, { before: 2 }).items).toEqual([]);
    expect(r.page(() => true, {}).latestSeq).toBe(8);
  });

  it('says which items a resume missed, and gives the rest', () => {
    const r = filled(3, 6); // holds 4, 5, 6
    expect(r.since(1)).toEqual({ items: [4, 5, 6], missed: { fromSeq: 2, toSeq: 3 } });
    expect(r.since(4)).toEqual({ items: [5, 6], missed: null });
    expect(r.since(6)).toEqual({ items: [], missed: null });
    expect(r.since(1, 2)).toEqual({ items: [4, 5], missed: { fromSeq: 2, toSeq: 3 } });
    // A seq from the future (numbered before a restart): all that is held is new to the reader.
    expect(r.since(99, 2)).toEqual({ items: [4, 5], missed: null });
  });

  it('drops the oldest past the byte budget, keeping the newest even alone over it', () => {
    const r = new Ring<string>({ capacity: 100, maxBytes: 10, sizeOf: (s) => s.length });
    for (const s of ['aaaa', 'bbbb', 'cccc']) r.push(s);
    expect(r.toArray()).toEqual(['bbbb', 'cccc']);
    expect(r.bytes).toBe(8);
    expect(r.oldestSeq).toBe(2);
    r.push('x'.repeat(50));
    expect(r.toArray()).toEqual(['x'.repeat(50)]);
    expect(r.bytes).toBe(50);
    expect(r.page(() => true, {}).items).toEqual(['x'.repeat(50)]);
  });

  it('tells of each item that falls off, by count or by bytes', () => {
    const gone: string[] = [];
    const r = new Ring<string>({ capacity: 2, maxBytes: 5, sizeOf: (s) => s.length, onEvict: (s) => gone.push(s) });
    for (const s of ['a', 'b', 'c', 'dddd']) r.push(s);
    expect(gone).toEqual(['a', 'b']); // by count
    expect(r.toArray()).toEqual(['c', 'dddd']);
    r.push('ee');
    expect(gone).toEqual(['a', 'b', 'c', 'dddd']); // by count, then by bytes
    expect(r.toArray()).toEqual(['ee']);
  });
});

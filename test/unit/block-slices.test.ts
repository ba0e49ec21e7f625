import { describe, expect, it } from 'vitest';
import { blockSlices, MIN_BLOCKS_PER_SLICE, sliceCondition } from '../../validate/block-slices.js';

describe('block slices', () => {
  it('does not split a table smaller than two slices, or for one session', () => {
    expect(blockSlices(0, 4)).toEqual([{}]);
    expect(blockSlices(2 * MIN_BLOCKS_PER_SLICE - 1, 4)).toEqual([{}]);
    expect(blockSlices(1_000_000, 1)).toEqual([{}]);
  });

  it('covers every block once, open at both ends, in as many parts as sessions', () => {
    const slices = blockSlices(10_000, 3);
    expect(slices).toEqual([{ to: 3333 }, { from: 3333, to: 6667 }, { from: 6667 }]);
    expect(blockSlices(2 * MIN_BLOCKS_PER_SLICE, 8)).toHaveLength(2);
  });

  it('writes the ctid range condition, and refuses a block number that is not one', () => {
    expect(sliceCondition('t', { from: 5, to: 9 })).toBe(`t.ctid >= '(5,0)'::tid AND t.ctid < '(9,0)'::tid`);
    expect(sliceCondition('t', {})).toBe('');
    expect(sliceCondition('t', undefined)).toBe('');
    expect(() => sliceCondition('t', { from: -1 })).toThrow(RangeError);
    expect(() => sliceCondition('t', { to: 1.5 })).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { compareVersions } from '../../checks/version-order.js';

describe('compareVersions', () => {
  it.each([
    ['1.10', '1.9', 1],
    ['1.4', '1.4.0', 0],
    ['1.4', '1.4.1', -1],
    ['0.8.0', '0.7.4', 1],
    ['2.0', '10.0', -1],
    ['0.1.0-beta.27', '0.1.0-beta.28', -1],
    ['0.1.0-beta.28', '0.1.0', -1],
    ['0.1.0', '0.1.0-beta.28', 1],
    ['1.0.1', '1.0.beta', 1],
    ['1.8', '1.8', 0],
    ['1.2alpha', '1.2beta', -1],
  ])('%s vs %s is %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
    expect(compareVersions(b, a)).toBe(-expected || 0);
  });
});

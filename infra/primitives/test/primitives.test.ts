import { describe, expect, it } from 'vitest';
import { isUuid, Lru } from '../src';

describe('Lru', () => {
  it('evicts the least recently used entry past its bound', () => {
    const lru = new Lru<number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.size).toBe(2);
  });
});

describe('isUuid', () => {
  it('accepts a UUID in either case and nothing else', () => {
    expect(isUuid('0b0e3a53-8a36-4c1e-9e55-3f1f2d0c6a7b')).toBe(true);
    expect(isUuid('0B0E3A53-8A36-4C1E-9E55-3F1F2D0C6A7B')).toBe(true);
    expect(isUuid('0b0e3a53-8a36-4c1e-9e55-3f1f2d0c6a7')).toBe(false);
    expect(isUuid(' 0b0e3a53-8a36-4c1e-9e55-3f1f2d0c6a7b')).toBe(false);
  });
});

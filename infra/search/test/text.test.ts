import { describe, expect, it } from 'vitest';
import { editDistance, fuzziness, markedToHtml, tokenize } from '../src/index';

describe('text helpers', () => {
  it('should split queries into lower-case words and drop query syntax', () => {
    expect(tokenize("iPhone's 15-Pro & (case) | !x:*")).toEqual([
      'iphone',
      's',
      '15',
      'pro',
      'case',
      'x',
    ]);
    expect(tokenize('   ')).toEqual([]);
    expect(tokenize(undefined)).toEqual([]);
    expect(tokenize('a b c d e f g h i j')).toHaveLength(8);
  });

  it('should measure edits with adjacent transpositions like fuzziness AUTO', () => {
    expect(editDistance('iphnoe', 'iphone')).toBe(1);
    expect(editDistance('knfie', 'knife')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect([fuzziness('ab'), fuzziness('abc'), fuzziness('abcde'), fuzziness('abcdef')]).toEqual([
      0, 1, 1, 2,
    ]);
  });

  it('should escape HTML around the <em> marks', () => {
    expect(markedToHtml('Tom & \u0002Jerry\u0003 <script>')).toBe(
      'Tom &amp; <em>Jerry</em> &lt;script&gt;',
    );
  });
});

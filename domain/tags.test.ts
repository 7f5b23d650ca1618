import { normalizeTag, normalizeTags, retag, validateTag } from './tags';

describe('tags', () => {
  it.each([['Billing', 'billing'], ['  Feature   Request ', 'feature request'], ['Ärger', 'ärger'], ['v4.2', 'v4.2'], ['   ', null]])('"%s" is spelled %s', (typed, spelled) => {
    expect(normalizeTag(typed)).toBe(spelled);
  });
  it.each(['a,b', '-start', '<b>', 'x'.repeat(41), 'semi;colon'])('"%s" is refused', (tag) => {
    expect(validateTag(normalizeTag(tag)!)).not.toBeNull();
  });
  it('drops repeats and blanks, keeping the order given', () => {
    expect(normalizeTags(['VIP', '', 'billing', 'vip'])).toEqual({ tags: ['vip', 'billing'] });
  });
  it('adds after the kept ones and never puts back what is removed', () => {
    expect(retag(['a', 'b', 'c'], ['d', 'b'], ['a'])).toEqual(['b', 'c', 'd']);
    expect(retag(['a'], ['b'], ['b'])).toEqual(['a']);
  });
});

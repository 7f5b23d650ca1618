import { pickReplies, shortcutAtCursor, shortcutProblem } from './canned-reply';

describe('shortcutAtCursor', () => {
  it.each([
    ['::', 2, { query: '', start: 0 }],
    ['Hello ::gre', 11, { query: 'gre', start: 6 }],
    ['Hello\n::GRE', 11, { query: 'gre', start: 6 }],
    ['Hello ::gre and more', 11, { query: 'gre', start: 6 }],
    ['Hello ::gre and more', 20, null],
    ['a::b', 4, null],
    ['Hello ::gre etc', 15, null],
    ['Hello :gre', 10, null],
    ['https://example.com', 19, null],
  ])('in %j at %i', (text, cursor, expected) => {
    expect(shortcutAtCursor(text, cursor)).toEqual(expected);
  });
});

describe('pickReplies', () => {
  const reply = (title: string, shortcut: string | null, usageCount = 0, body = 'text') => ({ title, shortcut, usageCount, body });
  const replies = [
    reply('Greeting', 'hi', 1), reply('High priority notice', 'urgent', 9), reply('Thanks', 'thx', 3, 'Thanks, and hi to the team'),
    reply('Refund started', 'refund', 0), reply('Chit-chat', 'chi', 0),
  ];
  it('puts the exact shortcut first, then starts, then contains (most used first), then the text', () => {
    expect(pickReplies(replies, 'hi').map((r) => r.title)).toEqual(['Greeting', 'High priority notice', 'Chit-chat', 'Thanks']);
  });
  it('offers everything, most used first, for nothing typed', () => {
    expect(pickReplies(replies, '').map((r) => r.title)).toEqual(['High priority notice', 'Thanks', 'Greeting', 'Chit-chat', 'Refund started']);
  });
  it('offers nothing that does not match', () => {
    expect(pickReplies(replies, 'zzz')).toEqual([]);
  });
});

describe('shortcutProblem', () => {
  it.each(['hi', 'pw-reset', 'a_1'])('takes %s', (s) => expect(shortcutProblem(s)).toBeNull());
  it.each(['', 'Hi', 'two words', '-x', 'x'.repeat(33), '::hi'])('refuses %j', (s) => expect(shortcutProblem(s)).not.toBeNull());
});

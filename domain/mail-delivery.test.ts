import { givenUpReason, mailRetryWait, nextMailAttempt } from './mail-delivery';

describe('mail refused for now', () => {
  it('is tried again after growing waits, the last one repeating', () => {
    expect([1, 2, 3, 7, 8, 20].map(mailRetryWait)).toEqual([5_000, 30_000, 120_000, 3_600_000, 3_600_000, 3_600_000]);
  });

  it('is tried once more at the give-up time, and then given up on', () => {
    const first = Date.parse('2026-12-04T10:00:00Z');
    const giveUp = 12 * 3_600_000;
    expect(nextMailAttempt(1, first, giveUp, first + 1_000)).toBe(first + 6_000);
    expect(nextMailAttempt(9, first, giveUp, first + giveUp - 60_000)).toBe(first + giveUp);
    expect(nextMailAttempt(10, first, giveUp, first + giveUp)).toBeNull();
  });

  it('says how long it was tried and what the server said last', () => {
    expect(givenUpReason(4, 20_000, '451 4.2.2 mailbox full')).toBe('given up after 4 attempts in 0 min (451 4.2.2 mailbox full)');
    expect(givenUpReason(12, 12 * 3_600_000, '421 busy')).toBe('given up after 12 attempts in 12 h (421 busy)');
  });
});

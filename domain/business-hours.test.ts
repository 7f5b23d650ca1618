import { addBusinessTime, BusinessCalendar, businessTimeBetween, isTimeZone, minuteOfDay } from './business-hours';

const H = 3_600_000;
const NINE_TO_FIVE: [number, number][] = [[9 * 60, 17 * 60]];
const weekdays = (spans: [number, number][]): BusinessCalendar['week'] => [[], spans, spans, spans, spans, spans, []];

const berlin: BusinessCalendar = { timeZone: 'Europe/Berlin', week: weekdays(NINE_TO_FIVE), holidays: ['2026-12-25', '2026-12-26'] };
const newYork: BusinessCalendar = { timeZone: 'America/New_York', week: weekdays(NINE_TO_FIVE), holidays: [] };
const lunchBreak: BusinessCalendar = { timeZone: 'UTC', week: weekdays([[9 * 60, 12 * 60], [13 * 60, 17 * 60]]), holidays: [] };
const allDay: BusinessCalendar = { timeZone: 'Europe/Berlin', week: Array.from({ length: 7 }, () => [[0, 1440]] as [number, number][]), holidays: [] };

describe('due = start + business time', () => {
  it.each<[string, BusinessCalendar | null, string, number, string | null]>([
    ['around the clock: plain addition', null, '2026-12-04T16:00:00Z', 4 * H, '2026-12-04T20:00:00.000Z'],
    ['within one day (Berlin is UTC+1 in winter)', berlin, '2026-12-01T09:00:00Z', 4 * H, '2026-12-01T13:00:00.000Z'],
    ['past closing: the rest the next morning', berlin, '2026-12-01T14:00:00Z', 4 * H, '2026-12-02T10:00:00.000Z'],
    ['before opening: counted from the opening', berlin, '2026-12-01T05:00:00Z', 1 * H, '2026-12-01T09:00:00.000Z'],
    ['Friday afternoon to Monday, over the weekend', berlin, '2026-12-04T15:00:00Z', 2 * H, '2026-12-07T09:00:00.000Z'],
    ['from a Saturday: Monday', berlin, '2026-12-05T10:00:00Z', 30 * 60_000, '2026-12-07T08:30:00.000Z'],
    ['over Christmas (two holidays and a weekend)', berlin, '2026-12-24T15:00:00Z', 2 * H, '2026-12-28T09:00:00.000Z'],
    ['spanning several days', berlin, '2026-12-01T08:00:00Z', 20 * H, '2026-12-03T12:00:00.000Z'],
    ['exactly at closing: due at closing', berlin, '2026-12-01T08:00:00Z', 8 * H, '2026-12-01T16:00:00.000Z'],
    ['a zero target outside hours: the next opening', berlin, '2026-12-01T20:00:00Z', 0, '2026-12-02T08:00:00.000Z'],
    ['lunch is not counted', lunchBreak, '2026-12-01T11:00:00Z', 2 * H, '2026-12-01T14:00:00.000Z'],
    // Berlin moves to summer time at 01:00 UTC on 29 March 2026; opening is 9:00 local either side.
    ['spring DST: Friday before to Monday after', berlin, '2026-03-27T15:00:00Z', 2 * H, '2026-03-30T08:00:00.000Z'],
    ['spring DST: a day around the clock has 23 hours', allDay, '2026-03-28T23:00:00Z', 24 * H, '2026-03-29T23:00:00.000Z'],
    // And back to winter time at 01:00 UTC on 25 October 2026.
    ['autumn DST: Friday before to Monday after', berlin, '2026-10-23T14:00:00Z', 2 * H, '2026-10-26T09:00:00.000Z'],
    ['New York DST (8 March 2026): the opening moves from 14:00 to 13:00 UTC', newYork, '2026-03-06T21:30:00Z', 1 * H, '2026-03-09T13:30:00.000Z'],
    ['a calendar that never opens: no due time', { timeZone: 'UTC', week: [[], [], [], [], [], [], []], holidays: [] }, '2026-12-01T00:00:00Z', H, null],
  ])('%s', (_what, calendar, from, duration, due) => {
    expect(addBusinessTime(from, duration, calendar)).toBe(due);
  });
});

describe('business time between two moments', () => {
  it.each<[string, BusinessCalendar | null, string, string, number]>([
    ['around the clock', null, '2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z', 24 * H],
    ['a whole week is five days of eight hours', berlin, '2026-11-30T00:00:00Z', '2026-12-07T00:00:00Z', 40 * H],
    ['a weekend counts nothing', berlin, '2026-12-05T00:00:00Z', '2026-12-07T00:00:00Z', 0],
    ['part of one day', berlin, '2026-12-01T12:00:00Z', '2026-12-01T18:00:00Z', 4 * H],
    ['backwards is nothing', berlin, '2026-12-02T00:00:00Z', '2026-12-01T00:00:00Z', 0],
  ])('%s', (_what, calendar, from, to, ms) => {
    expect(businessTimeBetween(from, to, calendar)).toBe(ms);
  });

  it('is the inverse of adding business time', () => {
    for (const [from, hours] of [['2026-12-04T15:00:00Z', 2], ['2026-03-27T10:00:00Z', 30], ['2026-10-23T14:00:00Z', 11]] as const) {
      const due = addBusinessTime(from, hours * H, berlin)!;
      expect(businessTimeBetween(from, due, berlin)).toBe(hours * H);
    }
  });
});

it('reads times of day and knows time zones', () => {
  expect(minuteOfDay('09:30')).toBe(570);
  expect(minuteOfDay('24:00')).toBe(1440);
  expect(minuteOfDay('24:30')).toBeNull();
  expect(minuteOfDay('9:30')).toBeNull();
  expect(isTimeZone('Europe/Berlin')).toBe(true);
  expect(isTimeZone('Mars/Olympus')).toBe(false);
});

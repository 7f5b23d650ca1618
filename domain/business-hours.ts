/**
 * Business-hours arithmetic: "due = now + 4 business hours" in a calendar with a time zone,
 * weekly opening hours and holidays. Pure (Intl's time-zone data only), so the ticket's
 * workflow computes its SLA due times itself and tests drive every edge: weekends,
 * holidays, both DST changes, targets spanning days.
 */

/** The days of a calendar's week, Sunday first as Date.getDay() counts. */
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** Opening hours of one day, as minutes after local midnight: [540, 1020] is 9:00–17:00. */
export type OpeningSpan = readonly [from: number, to: number];

export interface BusinessCalendar {
  /** IANA name, e.g. Europe/Berlin. */
  timeZone: string;
  /** Sunday first (0), as Date.getDay() counts. */
  week: readonly (readonly OpeningSpan[])[];
  /** Local dates (YYYY-MM-DD) the helpdesk is closed all day. */
  holidays: readonly string[];
}

const MINUTE = 60_000;
/** A calendar with no opening hours in a whole year would never end a target: given up then. */
const MAX_DAYS_SEARCHED = 400;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether a time zone name is one Intl knows. */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

interface LocalTime { year: number; month: number; day: number; hour: number; minute: number; second: number }

function localTime(instant: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** The offset of local time from UTC at an instant, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const t = localTime(instant, timeZone);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a local wall-clock time names. A time the spring change skips (02:30 in
 * Berlin on its last Sunday of March) is taken as the same time after the change; one the
 * autumn change repeats, as its occurrence after the change.
 */
function instantOf(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day) + minuteOfDay * MINUTE;
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  if (second === first) return first;
  // Two candidates: the earlier one that names the wall time, else the later (a skipped time).
  const earlier = Math.min(first, second);
  const later = Math.max(first, second);
  return earlier + offsetAt(earlier, timeZone) === wall ? earlier : later;
}

const dateKey = (t: { year: number; month: number; day: number }) =>
  `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;

/** The open intervals (instants) of one local day: none on a holiday. */
function openIntervals(calendar: BusinessCalendar, date: { year: number; month: number; day: number }): Array<[number, number]> {
  if (calendar.holidays.includes(dateKey(date))) return [];
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return (calendar.week[weekday] ?? []).map(([from, to]): [number, number] => [
    instantOf(date.year, date.month, date.day, from, calendar.timeZone),
    // 24:00 is the next midnight, whatever the offset then.
    to >= 1440 ? instantOf(date.year, date.month, date.day + 1, to - 1440, calendar.timeZone) : instantOf(date.year, date.month, date.day, to, calendar.timeZone),
  ]);
}

/** Local days from the one `instant` falls on, each with its open intervals. */
function* days(calendar: BusinessCalendar, instant: number): Generator<Array<[number, number]>> {
  const start = localTime(instant, calendar.timeZone);
  for (let i = 0; i < MAX_DAYS_SEARCHED; i++) {
    const date = new Date(Date.UTC(start.year, start.month - 1, start.day + i));
    yield openIntervals(calendar, { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
  }
}

/**
 * The moment `durationMs` of open time after `fromIso` has passed; null when the calendar
 * has no opening hours within a year. A duration of 0 from outside the hours is the next
 * opening.
 */
export function addBusinessTime(fromIso: string, durationMs: number, calendar: BusinessCalendar | null): string | null {
  const from = Date.parse(fromIso);
  if (calendar === null) return new Date(from + durationMs).toISOString();
  let left = durationMs;
  for (const intervals of days(calendar, from)) {
    for (const [open, close] of intervals) {
      const start = Math.max(open, from);
      if (close <= start) continue;
      if (start + left <= close) return new Date(start + left).toISOString();
      left -= close - start;
    }
  }
  return null;
}

/** Open time between two moments, in ms (0 when `toIso` is not after `fromIso`). */
export function businessTimeBetween(fromIso: string, toIso: string, calendar: BusinessCalendar | null): number {
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  if (to <= from) return 0;
  if (calendar === null) return to - from;
  let total = 0;
  for (const intervals of days(calendar, from)) {
    for (const [open, close] of intervals) {
      if (open >= to) return total;
      total += Math.max(0, Math.min(close, to) - Math.max(open, from));
    }
  }
  return total;
}

/** "09:00" → 540; null when it is not a time of day (24:00 allowed, as the day's end). */
export function minuteOfDay(text: string): number | null {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 1440 ? minutes : null;
}

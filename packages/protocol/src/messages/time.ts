import { z } from 'zod';

/** The first and last instants a time may name: years 1000 to 9999 in UTC. */
export const EARLIEST_TIME = Date.parse('1000-01-01T00:00:00.000Z');
export const LATEST_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * Whether an RFC 3339 time names an instant in the years 1000 to 9999, in UTC: what both stores
 * hold and give back as written. A node stores every time as PostgreSQL's `timestamptz`; RFC 3339
 * allows the year 0000, which PGlite cannot take at all (it fails the whole statement) and
 * PostgreSQL takes as 1 BC, and PGlite gives the years 0001 to 0099 back as others (0001-06-15 as
 * 2015-01-06). No time Parley carries (a deadline, a publication, a period of activity) lies
 * before the year 1000, and four-digit years leave nothing to guess. An offset can carry a time
 * written in the year 1000 or 9999 across the edge, so the instant is what is checked.
 */
export const inTimeRange = (value: string): boolean => {
  const at = Date.parse(value);
  return at >= EARLIEST_TIME && at <= LATEST_TIME;
};

/** For a refinement of a format: asked only of a value that is in the format, so a value that is not gets one message, not two. */
export const formatHeld = (payload: { issues: readonly unknown[] }): boolean => payload.issues.length === 0;

export const TIME_RANGE_MESSAGE = 'Must be a time in the years 1000 to 9999 (UTC).';

/**
 * A time in a message body: RFC 3339 with a UTC offset or `Z`, in the years 1000 to 9999 (UTC).
 * Receivers turn such times into dates to compare and store them, so a body with anything else is
 * refused as `schema_invalid` rather than failing later, which would answer a peer with a 500 and
 * have it retry for days.
 */
export const isoTime = z.iso.datetime({ offset: true }).refine(inTimeRange, { message: TIME_RANGE_MESSAGE, when: formatHeld });

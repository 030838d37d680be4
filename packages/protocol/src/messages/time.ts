import { z } from 'zod';

/**
 * A time in a message body: RFC 3339 with a UTC offset or `Z`. Receivers turn such times into
 * dates to compare and store them, so a body with anything else is refused as `schema_invalid`
 * rather than failing later, which would answer a peer with a 500 and have it retry for days.
 */
export const isoTime = z.iso.datetime({ offset: true });

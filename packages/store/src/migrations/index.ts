import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-foundation.js';
import * as m0002 from './0002-federation.js';
import * as m0003 from './0003-log.js';
import * as m0004 from './0004-norms.js';
import * as m0008 from './0008-witness.js';
import * as m0005 from './0005-consultations.js';
import * as m0006 from './0006-evidence.js';
import * as m0007 from './0007-log-evidence.js';
import * as m0009 from './0009-mail.js';
import * as m0010 from './0010-cooperation.js';
import * as m0011 from './0011-search-text.js';
import * as m0012 from './0012-sign-in-attempts.js';
import * as m0013 from './0013-outbox-given-up.js';

/** Every migration, in order. Names sort; a migration once released is never edited. */
const all: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-federation': m0002,
  '0003-log': m0003,
  '0004-norms': m0004,
  '0005-consultations': m0005,
  '0006-evidence': m0006,
  '0007-log-evidence': m0007,
  '0008-witness': m0008,
  '0009-mail': m0009,
  '0010-cooperation': m0010,
  '0011-search-text': m0011,
  '0012-sign-in-attempts': m0012,
  '0013-outbox-given-up': m0013,
};

export const migrations: MigrationProvider = {
  getMigrations: async () => all,
};

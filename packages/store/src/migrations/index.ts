import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-foundation.js';
import * as m0002 from './0002-federation.js';
import * as m0003 from './0003-log.js';

/** Every migration, in order. Names sort; a migration once released is never edited. */
const all: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-federation': m0002,
  '0003-log': m0003,
};

export const migrations: MigrationProvider = {
  getMigrations: async () => all,
};

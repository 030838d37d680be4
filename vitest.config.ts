import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

/**
 * The PostgreSQL and browser suites need a server and Chromium. In CI they always run (and fail
 * when those are missing); on a developer machine without them they are left out, with a notice,
 * so that `npm ci && npm test` passes on a fresh machine.
 */
const ci = Boolean(process.env.CI);
const exclude: string[] = [];
if (!ci && !process.env.PARLEY_TEST_PG_URL) {
  exclude.push('**/*.postgres.test.ts', '**/*.postgres.browser.test.ts');
  console.warn('[parley] PostgreSQL suites not run: set PARLEY_TEST_PG_URL (see README, "Develop").');
}
if (!ci && !existsSync('/usr/bin/chromium')) {
  exclude.push('**/*.browser.test.ts');
  console.warn('[parley] Browser suites not run: install Chromium (apt-get install -y chromium).');
}

export default defineConfig({
  resolve: {
    alias: ['protocol', 'core', 'store', 'federation', 'server', 'cli', 'testkit'].map((name) => ({
      find: new RegExp(`^@parley/${name}$`),
      replacement: pkg(name),
    })),
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'e2e/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', ...exclude],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ci ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default'],
  },
});

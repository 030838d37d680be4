import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources of every package; the CLI and browser
// suites additionally use the built output (npm test builds first).
export default defineConfig({
  resolve: {
    alias: ['protocol', 'core', 'store', 'server', 'cli', 'testkit'].map((name) => ({
      find: new RegExp(`^@parley/${name}$`),
      replacement: pkg(name),
    })),
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'e2e/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default'],
  },
});

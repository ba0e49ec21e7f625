import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration tests start real PostgreSQL servers; initdb and start take seconds each.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    globalSetup: ['test/support/build-once.ts'],
    reporters: ['default'],
    projects: [
      {
        extends: true,
        // Pure functions and fixtures, no servers: one process for all of them (a fresh one per
        // file spent three quarters of their run importing modules: 45 s against 23 s).
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        // Each file in a process of its own: servers, signals and process-wide state stay apart.
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'] },
      },
    ],
  },
});

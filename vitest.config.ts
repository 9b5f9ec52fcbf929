import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // End-to-end tests start child processes and servers; two workers suit the 2-core machines this runs on.
    maxWorkers: 2
  }
})

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Only *.test.ts files are tests: test/helpers/ and the fixtures/ folders hold what they use.
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // Tests open many real fds and start child processes and worker threads: two jest workers at
  // a time keep a run from starving the tests that measure how long a wait took.
  maxWorkers: 2,
};

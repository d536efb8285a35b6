/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Only *.test.ts files are tests: test/helpers/ and the fixtures/ folders hold what they use.
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // At most two test files at once: each opens many real fds, sockets and child processes, and
  // the timing tests (timeouts, wakeups) turn flaky when more run than there are cores.
  maxWorkers: 2,
};

/**
 * Four projects (docs/architecture.md#tests). ts-jest transpiles without type checking (`isolatedModules`;
 * type checking is `npm run typecheck`); middy 7 ships ESM only, so it is mapped to its entry file
 * and transpiled to CommonJS too. (Not @swc/jest or jest 30: the registry serves no lockfile
 * entries for their other platforms' native binaries, which breaks `npm ci`.)
 */
const shared = {
  transform: {
    '^.+\\.(t|j)sx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|hyparquet|hyparquet-writer)/)'],
  moduleNameMapper: { '^@middy/([^/]+)$': '<rootDir>/node_modules/@middy/$1/index.js' },
  testEnvironment: 'node',
};

module.exports = {
  // The integration and e2e global setups own child processes (DynamoDB Local, the runtime); after a
  // full run of all four projects jest has been seen to wait on a handle it does not report. Each
  // project exits cleanly on its own (checked with --detectOpenHandles), so force the exit rather
  // than let CI hang.
  forceExit: true,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'], setupFiles: ['<rootDir>/tests/support/quiet-logs.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/tests/support/integration-timeout.ts'],
      globalSetup: '<rootDir>/tests/support/dynamo-global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/dynamo-global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'infra',
      testMatch: ['<rootDir>/tests/infra/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/support/infra-global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/infra-global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/tests/support/e2e-timeout.ts'],
      globalSetup: '<rootDir>/tests/support/e2e-global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/e2e-global-teardown.ts',
    },
  ],
};

/**
 * Four projects (DESIGN §11). ts-jest transpiles without type checking (`isolatedModules`;
 * type checking is `npm run typecheck`); middy 7 ships ESM only, so it is mapped to its entry file
 * and transpiled to CommonJS too. (Not @swc/jest or jest 30: the registry serves no lockfile
 * entries for their other platforms' native binaries, which breaks `npm ci`.)
 */
const shared = {
  transform: {
    '^.+\\.(t|j)sx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
  moduleNameMapper: { '^@middy/([^/]+)$': '<rootDir>/node_modules/@middy/$1/index.js' },
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'], setupFiles: ['<rootDir>/tests/support/quiet-logs.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/support/dynamo-global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/dynamo-global-teardown.ts',
    },
    { ...shared, displayName: 'infra', testMatch: ['<rootDir>/tests/infra/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/support/e2e-global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/e2e-global-teardown.ts',
    },
  ],
};

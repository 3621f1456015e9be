/** Unit tests beside the code (*.spec.ts) and e2e suites in test/, in Jest's native ESM mode. */
const esm = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^#yizhi/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testEnvironment: 'node',
};

export default {
  rootDir: '.',
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  // Two cores: two workers; each e2e file boots its own app against the shared test database.
  maxWorkers: 2,
  testTimeout: 30_000,
  projects: [
    { ...esm, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...esm, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};

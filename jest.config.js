/** Unit tests of pure code run beside it; integration tests under test/ talk to real servers. */
const transform = { '^.+\\.(ts|mjs|js)$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] };
// These ship ES modules only. Node 20 itself loads them through require(esm); jest's
// CommonJS runtime can't until Node 24, so they are compiled like our own code.
const ESM_ONLY = ['typebox', 'content-disposition', 'cookie'];
const transformIgnorePatterns = [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`];

/** @type {import('jest').Config} */
module.exports = {
  // Integration tests wait on real servers; a hung one still fails, after two minutes.
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/{domain,config,mail,security,api,activities}/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};

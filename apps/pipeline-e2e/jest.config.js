// Integration tests: the four services as real processes on a real Kafka broker and PostgreSQL.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'pipeline-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 180_000,
};

// Integration tests on a real Kafka broker and PostgreSQL: the whole-system suites here (the four
// services as real processes), and the behaviour tests of handlers beside their code in libs/.
const path = require('path');

module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'pipeline-e2e',
  rootDir: path.resolve(__dirname, '../..'),
  roots: ['<rootDir>/apps/pipeline-e2e/src', '<rootDir>/libs'],
  testMatch: ['**/*.e2e-spec.ts'],
  testTimeout: 180_000,
};

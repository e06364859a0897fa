// The deployment checks: the Dockerfile's static requirements (rehearsal/dockerfile.spec.ts) and the
// image smoke suite (rehearsal/image-smoke.e2e-spec.ts, on real Kafka and PostgreSQL). Not part of the
// unit or integration configs: tools/deploy/image-rehearsal.sh and check-manifests.sh run them.
const path = require('path');

module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'deploy',
  rootDir: path.resolve(__dirname, '../..'),
  roots: ['<rootDir>/tools/deploy'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  testTimeout: 180_000,
};

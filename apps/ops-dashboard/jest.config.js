module.exports = { ...require('../../jest.preset.js'), displayName: 'ops-dashboard', rootDir: __dirname, testMatch: ['<rootDir>/server/**/*.spec.ts', '<rootDir>/web/src/**/*.spec.ts'] };

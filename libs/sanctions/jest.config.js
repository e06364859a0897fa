module.exports = { ...require('../../jest.preset.js'), displayName: 'sanctions', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };

module.exports = { ...require('../../jest.preset.js'), displayName: 'appeals', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };

module.exports = { ...require('../../jest.preset.js'), displayName: 'standing', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };

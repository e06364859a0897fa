module.exports = { ...require('../../jest.preset.js'), displayName: 'rulebooks', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };

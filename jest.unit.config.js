// Unit tests of every project: no broker, no database. Integration tests have their own config.
const fs = require('fs');
const path = require('path');

const roots = ['libs', 'apps'].flatMap((dir) =>
  fs.existsSync(dir) ? fs.readdirSync(dir).map((name) => path.join(dir, name)) : [],
);

module.exports = {
  projects: roots.filter((root) => !root.endsWith('-e2e') && fs.existsSync(path.join(root, 'jest.config.js'))).map((root) => `<rootDir>/${root}/jest.config.js`),
};

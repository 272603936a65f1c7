// jest globalSetup: build dist/ once before any test file runs. The end-to-end tests spawn `node dist/main.js`;
// a build empties dist/ first, so no test file builds again while others run (the `npm start` test skips the
// `prestart` build for that reason).
const { execFileSync } = require('node:child_process');

module.exports = () => {
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
};

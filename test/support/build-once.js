// jest globalSetup: build dist/ once before any test file runs. The end-to-end tests spawn `node dist/main.js`;
// if each built it in parallel, a first (non-incremental) build could rewrite files under a process another
// test has just started. Later builds of an unchanged tree write nothing.
const { execFileSync } = require('node:child_process');

module.exports = () => {
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
};

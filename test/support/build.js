// Jest globalSetup: the end-to-end tests run dist/ in child processes; build it once, before any worker starts.
const { execFileSync } = require('node:child_process');

module.exports = () => {
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
};

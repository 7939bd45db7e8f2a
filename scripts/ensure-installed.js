// Runs before `npm start` and `npm test` so both work on a fresh clone: installs exactly what the
// lock file says when node_modules is missing or older than the lock file. Plain JS: it runs
// before any dependency exists.
const { execSync } = require('node:child_process');
const { statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const mtime = (path) => {
  try {
    return statSync(join(root, path)).mtimeMs;
  } catch {
    return 0;
  }
};

if (mtime('node_modules/.package-lock.json') < mtime('package-lock.json')) {
  console.log('Installing dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}

// Runs before `npm test`: the Ops console is tested in real headless Chromium (Debian's package,
// driven by playwright-core), which a fresh machine does not have. Installs it when it can (root
// with apt-get), and otherwise says how. Plain JS, like ensure-installed.js.
const { execSync } = require('node:child_process');
const { existsSync } = require('node:fs');

const CHROMIUM = '/usr/bin/chromium';
const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');

if (!existsSync(CHROMIUM)) {
  if (!canInstall) {
    console.error(`The Ops console spec needs Chromium at ${CHROMIUM}: install it with "sudo apt-get install chromium".`);
    process.exit(1);
  }
  console.log('Installing Chromium for the Ops console spec (apt-get install chromium)…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
}

// Runs before `npm test` and `npm run test:e2e`: the Ops console is tested in real headless
// Chromium (Debian's package, driven by playwright-core). A test run never installs anything on
// the machine: it says plainly what is missing, and the console spec then fails saying so too
// (never a silent pass). CI (.ci/run) installs it. Plain JS, like ensure-installed.js.
const { existsSync } = require('node:fs');

const CHROMIUM = '/usr/bin/chromium';

if (!existsSync(CHROMIUM))
  console.error(
    `\nMISSING PREREQUISITE: Chromium at ${CHROMIUM}, for the Ops console spec (test/ops-console.e2e-spec.ts), ` +
      'which will fail. Install it: sudo apt-get install chromium\n',
  );

// Where the child processes a spec starts write what they print: one file per spec file, which
// test/failing-spec-logs.reporter.js prints only when that spec fails. Plain CommonJS, because Jest
// loads reporters without compiling them, and the reporter and the spawners must agree on the name.
const { createHash } = require('node:crypto');
const { tmpdir } = require('node:os');
const { basename, join, relative } = require('node:path');

const root = join(__dirname, '..', '..', '..');

/** A folder per checkout, so that two clones running the same spec at the same time keep their logs apart. */
const checkoutFolder = `${basename(root)}-${createHash('sha1').update(root).digest('hex').slice(0, 8)}`;

/** The log file of the spec at `testPath`, e.g. `<tmp>/checkout-platform-test-logs/<checkout>/test__merchant.e2e-spec.ts.log`. */
function specLogFile(testPath) {
  return join(tmpdir(), 'checkout-platform-test-logs', checkoutFolder, `${relative(root, testPath).replace(/[\\/]/g, '__')}.log`);
}

module.exports = { specLogFile };

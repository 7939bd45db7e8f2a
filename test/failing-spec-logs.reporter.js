// Keeps the test output to what a reader needs: the services and relays a spec starts write their
// logs to a file per spec (libs/testing/src/spec-log.ts), and this reporter prints that file's tail
// only for a spec that failed. Jest's own reporters still print the results and the summary.
const { existsSync, readFileSync, rmSync } = require('node:fs');
const { relative } = require('node:path');
const { specLogFile } = require('../libs/testing/src/spec-log-file');

const TAIL_LINES = 200;

class FailingSpecLogsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  /** A fresh file for each run of a spec, so a failure shows only its own run's logs. */
  onTestStart(test) {
    rmSync(specLogFile(test.path), { force: true });
  }

  onTestResult(test, result) {
    if (result.numFailingTests === 0 && !result.testExecError) return;
    const file = specLogFile(test.path);
    if (!existsSync(file)) return;
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const tail = lines.slice(-TAIL_LINES);
    const shown = tail.length < lines.length ? `the last ${tail.length} of ${lines.length} lines` : `all ${lines.length} lines`;
    process.stderr.write(
      `\n── Logs of ${relative(this.rootDir, test.path)}: the processes it started and its in-process modules (${shown}; the whole file: ${file}) ──\n` +
        `${tail.join('\n')}\n── end of logs ──\n\n`,
    );
  }
}

module.exports = FailingSpecLogsReporter;

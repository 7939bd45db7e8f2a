// Runs the specs kind by kind (the projects of jest.config.js) and prints each kind's summary and
// wall time: `node scripts/test-kinds.js unit int e2e chaos soak` is `npm test`; each kind also runs
// alone (`npm run test:<kind>`). `--full` runs the long-sized specs at full strength (test:soak).
// Every kind runs even when an earlier one failed, so a CI log shows them all; the exit code says
// whether all passed. Arguments after `--` go to Jest. Plain JS: it runs before anything is built.
const { spawn } = require('node:child_process');
const { join } = require('node:path');

/**
 * Workers per kind. Integration and e2e specs each own their schemas, queues and installation and
 * mostly wait on the servers, so two run side by side (TEST_WORKERS=1 runs them one at a time,
 * e.g. on a machine busy with other work); chaos specs kill and stop cluster nodes every spec
 * shares, and the soak measures one process's memory: those always run one at a time.
 */
const sideBySide = () => (process.env.TEST_WORKERS === '1' ? ['--runInBand'] : [`--maxWorkers=${process.env.TEST_WORKERS || 2}`]);
const KINDS = {
  unit: { project: 'unit', workers: ['--maxWorkers=2'] },
  int: { project: 'integration', workers: sideBySide() },
  e2e: { project: 'e2e', workers: sideBySide() },
  chaos: { project: 'chaos', workers: ['--runInBand'] },
  soak: { project: 'soak', workers: ['--runInBand'] },
};

/**
 * The sizes of specs sized by the environment. CI size (also the specs' defaults): seeded and short;
 * full: the long run, at the strength the specs were written for. A variable already set wins.
 */
const SIZES = {
  ci: {
    SOAK_ACCOUNTS: '5000',
    SOAK_PURCHASES: '20000',
    FUZZ_REQUESTS: '600',
    FUZZ_SEED: '20261127',
    // Each schedule costs seconds of fault timing (4-5 s on a quiet 2-core machine): 20 at CI
    // size, a fixed seed (plus the known counterexample fast-check always runs first).
    FENCING_SCHEDULES: '20',
    FENCING_SEED: '42',
    ELECTION_RESTARTS: '20',
  },
  full: {
    SOAK_ACCOUNTS: '50000',
    SOAK_PURCHASES: '200000',
    FUZZ_REQUESTS: '10000',
    // Property specs sized by the environment (leader election fencing and restarts).
    FENCING_SCHEDULES: '1000',
    ELECTION_RESTARTS: '200',
  },
};

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const ours = dash === -1 ? args : args.slice(0, dash);
const jestArgs = dash === -1 ? [] : args.slice(dash + 1);
const full = ours.includes('--full');
const kinds = ours.filter((arg) => arg !== '--full');
const unknown = kinds.filter((kind) => !KINDS[kind]);
if (kinds.length === 0 || unknown.length > 0) {
  console.error(`usage: node scripts/test-kinds.js [--full] <${Object.keys(KINDS).join('|')}>... [-- <jest arguments>]`);
  process.exit(2);
}

const sizes = full ? SIZES.full : SIZES.ci;
const env = { ...process.env };
for (const [name, value] of Object.entries(sizes)) env[name] ||= value;

const jest = join(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js');

/** Runs one kind, its output passed through, and answers its wall time and Jest's summary lines. */
function runKind(kind) {
  const { project, workers } = KINDS[kind];
  const started = Date.now();
  const summary = [];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [jest, '--selectProjects', project, ...workers, ...jestArgs], {
      env,
      stdio: ['inherit', 'pipe', 'pipe'],
    });
    let tail = '';
    const scan = (chunk) => {
      tail = (tail + chunk.toString()).slice(-4_000);
    };
    child.stdout.on('data', (chunk) => (process.stdout.write(chunk), scan(chunk)));
    child.stderr.on('data', (chunk) => (process.stderr.write(chunk), scan(chunk)));
    child.on('close', (code) => {
      for (const label of ['Test Suites:', 'Tests:']) {
        const line = tail
          .split('\n')
          .reverse()
          .find((entry) => entry.startsWith(label));
        // eslint-disable-next-line no-control-regex
        summary.push((line ?? `${label} (none)`).replace(/\x1b\[[0-9;]*m/g, '').replace(/\s+/g, ' '));
      }
      resolve({ kind, ok: code === 0, seconds: Math.round((Date.now() - started) / 1000), summary });
    });
  });
}

const minutes = (seconds) => `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;

async function main() {
  console.log(
    `sizes (${full ? 'full' : 'CI'}): ${Object.keys(sizes)
      .map((name) => `${name}=${env[name]}`)
      .join(' ')}`,
  );
  const results = [];
  for (const kind of kinds) {
    console.log(`\n==> test:${kind} (jest project ${KINDS[kind].project})`);
    const result = await runKind(kind);
    results.push(result);
    console.log(`<== test:${kind} ${result.ok ? 'passed' : 'FAILED'} in ${minutes(result.seconds)}`);
  }
  console.log('\nkind    result   wall time  summary');
  for (const { kind, ok, seconds, summary } of results)
    console.log(`${kind.padEnd(7)} ${(ok ? 'passed' : 'FAILED').padEnd(8)} ${minutes(seconds).padStart(9)}  ${summary.join('  ')}`);
  const total = results.reduce((sum, result) => sum + result.seconds, 0);
  console.log(`total            ${minutes(total).padStart(9)}`);
  process.exit(results.every((result) => result.ok) ? 0 : 1);
}

main();

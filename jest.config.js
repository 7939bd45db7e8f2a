// One project per kind of spec, each runnable alone (`npm run test:<kind>`, scripts/test-kinds.js):
// - unit: pure specs, no server;
// - integration: against the real PostgreSQL and RabbitMQ;
// - e2e: start the built service processes;
// - chaos: kill and stop broker nodes and service instances, on the 3-node cluster of
//   scripts/rabbitmq-cluster.sh (never the machine's shared broker); run in band;
// - soak: the specs sized by the environment (the memory soak, the fuzz of every route, long property
//   specs): `npm test` runs them at CI size with a fixed seed, `npm run test:soak` at full size
//   (sizes: scripts/test-kinds.js). A new env-sized spec joins `soak` below and leaves its kind.
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': 'ts-jest',
    // @fastify/static (the OpenAPI UI's assets) requires an ES-module-only package, which Node
    // loads but Jest cannot: compile just that one to CommonJS.
    // jose (JWTs) ships only ES modules since 6: the same, for its files.
    '/(content-disposition|jose)/dist/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!((@fastify/static/node_modules/)?content-disposition|jose)/dist/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^@app/(.*)$': '<rootDir>/libs/$1/src' },
  // Nest's log lines of in-process modules go to the spec's log file, printed only if it fails.
  setupFilesAfterEnv: ['<rootDir>/test/spec-file-logger.setup.ts'],
};

/** Specs on real servers run in the test installation (short retry tiers: test/test-installation.setup.ts). */
const onServers = { ...shared, setupFiles: ['<rootDir>/test/test-installation.setup.ts'] };

const chaos = ['<rootDir>/test/cluster/**/*.e2e-spec.ts'];
const soak = [
  '<rootDir>/test/account-soak.e2e-spec.ts',
  '<rootDir>/test/fuzz.e2e-spec.ts',
  '<rootDir>/test/checkout-fencing.e2e-spec.ts',
  '<rootDir>/libs/relay/src/election-restarts.int-spec.ts',
];
// The same files as path patterns, for the projects that leave them to those two.
const chaosPaths = ['<rootDir>/test/cluster/'];
const soakPaths = [
  '<rootDir>/test/account-soak\\.e2e-spec\\.ts$',
  '<rootDir>/test/fuzz\\.e2e-spec\\.ts$',
  '<rootDir>/test/checkout-fencing\\.e2e-spec\\.ts$',
  '<rootDir>/libs/relay/src/election-restarts\\.int-spec\\.ts$',
];

module.exports = {
  // Integration and end-to-end specs wait on real servers and processes.
  testTimeout: 180_000,
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // The processes a spec starts log to a file of its own, printed only when the spec fails.
  reporters: ['default', '<rootDir>/test/failing-spec-logs.reporter.js'],
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...onServers,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...chaosPaths, ...soakPaths],
    },
    {
      ...onServers,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...chaosPaths, ...soakPaths],
    },
    { ...onServers, displayName: 'chaos', testMatch: chaos },
    { ...onServers, displayName: 'soak', testMatch: soak },
  ],
};

// Three projects: pure unit specs, integration specs against the real PostgreSQL and RabbitMQ,
// and end-to-end specs that start the built service processes.
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': 'ts-jest',
    // @fastify/static (the OpenAPI UI's assets) requires an ES-module-only package, which Node
    // loads but Jest cannot: compile just that one to CommonJS.
    '/content-disposition/dist/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@fastify/static/node_modules/)?content-disposition/dist/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^@app/(.*)$': '<rootDir>/libs/$1/src' },
  // Nest's log lines of in-process modules go to the spec's log file, printed only if it fails.
  setupFilesAfterEnv: ['<rootDir>/test/spec-file-logger.setup.ts'],
};

module.exports = {
  // Integration and end-to-end specs wait on real servers and processes.
  testTimeout: 180_000,
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // The processes a spec starts log to a file of its own, printed only when the spec fails.
  reporters: ['default', '<rootDir>/test/failing-spec-logs.reporter.js'],
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};

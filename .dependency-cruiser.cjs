// The layering rules of docs/architecture.md#house-style ("Enforced, not remembered"), checked in CI by `npm run depcruise`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'libs-never-import-apps',
      comment: 'Apps stand on libs; an arrow back up would make a lib depend on one service.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'Deciders and their types import no framework, database or broker package.',
      severity: 'error',
      from: { path: '(^|/)domain/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        path: 'node_modules/(@nestjs|typeorm|pg|pg-[^/]+|amqplib|@types/(pg|amqplib)|class-validator|class-transformer|@fastify|fastify|nestjs-pino|pino|prom-client)(/|$)',
      },
    },
    {
      name: 'domain-imports-no-infrastructure-lib',
      comment:
        'A domain folder may use the pure libs (domain, contracts), not the ones that reach servers. Its specs included: ' +
        'they take given/when/then from libs/decider-spec, never the test platform of libs/testing.',
      severity: 'error',
      from: { path: '(^|/)domain/' },
      to: { path: '^libs/(eventstore|relay|messaging|platform|testing)/' },
    },
    {
      name: 'decider-spec-is-pure',
      comment: 'libs/decider-spec is given/when/then over a pure decider: no database, broker, child process or test platform.',
      severity: 'error',
      from: { path: '^libs/decider-spec/' },
      to: {
        path: [
          '^libs/(eventstore|relay|messaging|platform|testing)/',
          'node_modules/(pg|pg-[^/]+|amqplib|typeorm|@types/(pg|amqplib))(/|$)',
          '^(node:)?child_process$',
        ],
      },
    },
    {
      name: 'no-app-imports-another-app',
      comment: 'Services talk over HTTP and queues; shared code belongs in libs/.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'provisioning-is-for-tooling',
      comment:
        'Provisioning holds administrator rights (roles, vhosts, keys): only the scripts, the test platform, specs and ' +
        'benchmarks use it. A service or a runtime lib that imported it would carry those rights into production.',
      severity: 'error',
      from: { pathNot: ['^(scripts|test|bench|libs/testing|libs/provisioning)/'] },
      to: { path: '^libs/provisioning/' },
    },
    {
      name: 'platform-is-the-runtime-only',
      comment:
        'libs/platform is the Nest runtime of every service (bootstrap, config, HTTP and problem+json, security, health, ' +
        'logs, metrics). The relay stands on it (RelayModule), never the other way round; provisioning is tooling.',
      severity: 'error',
      from: { path: '^libs/platform/' },
      to: { path: '^libs/(relay|provisioning)/' },
    },
    {
      name: 'postgres-lib-stands-alone',
      comment:
        'libs/postgres (leader election, connection safety) is a small PostgreSQL kit that the relay and the services use: ' +
        'it imports no service, no Nest runtime lib and nothing that reaches the broker.',
      severity: 'error',
      from: { path: '^libs/postgres/' },
      to: {
        path: [
          '^apps/',
          '^libs/(platform|relay|messaging|eventstore|provisioning)/',
          'node_modules/(amqplib|typeorm|@nestjs/(core|typeorm|swagger|platform-[^/]+))(/|$)',
        ],
      },
    },
    {
      name: 'ops-does-not-depend-on-the-relay',
      comment:
        "Ops steers each producer's relay over HTTP; the subscription API they share (requests, answers, registration rules) " +
        'is in libs/messaging/src/subscriptions.',
      severity: 'error',
      from: { path: '^apps/ops/' },
      to: { path: '^libs/relay/' },
    },
    {
      name: 'not-to-test',
      comment: 'Production code never imports the test platform (libs/testing), test/, or a test kit (a src/test/ folder).',
      severity: 'error',
      from: {
        path: '^(apps|libs)/',
        pathNot: ['\\.(spec|int-spec|e2e-spec)\\.ts$', '^libs/testing/', '/src/test/', '(^|/)fake-[^/]+\\.ts$'],
      },
      to: { path: ['^test/', '^libs/testing/', '/src/test/'] },
    },
    {
      name: 'not-to-spec',
      comment: 'A spec file is a leaf: shared test code goes in a test kit (libs/testing, test/support, a src/test/ folder).',
      severity: 'error',
      from: {},
      to: { path: '\\.(spec|int-spec|e2e-spec)\\.ts$' },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports is dead code, unless it is an entry point (a main, a script, a spec, a benchmark, a config).',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: [
          '(^|/)\\.[^/]+\\.(js|cjs|mjs|ts|json)$',
          '\\.d\\.ts$',
          '(^|/)tsconfig[^/]*\\.json$',
          '\\.(spec|int-spec|e2e-spec)\\.ts$',
          '^apps/[^/]+/src/(main|cli)\\.ts$',
          '^scripts/',
          '^bench/[^/]+\\.bench\\.ts$',
          '^test/[^/]+\\.setup\\.ts$',
          '(^|/)(jest|eslint|prettier)\\.config\\.[cm]?[jt]s$',
        ],
      },
      to: {},
    },
    {
      name: 'no-folder-cycles-in-an-app',
      comment:
        "Folders of a service depend one way (Checkout's process/ and recovery/ both stand on unfinished/): a cycle " +
        'between folders means neither can be read, moved or tested without the other.',
      severity: 'error',
      scope: 'folder',
      // Known, left for their own change: Fraud's assessments/ and risk-profiles/ use each other (the projection
      // rework moves the risk rules), and Account's projection int-spec reaches back into migrations/.
      from: { path: '^apps/', pathNot: ['^apps/fraud/src/(assessments|risk-profiles)$', '^apps/account/src/(accounts|migrations)$'] },
      to: { circular: true },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|\\.platform)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};

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

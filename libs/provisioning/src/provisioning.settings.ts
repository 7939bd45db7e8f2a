import { defineServiceSchema, defineSettings, text, url } from '@app/config';
import { opsTokenSetting, retrySettings } from '@app/contracts';
import { DEFAULT_ADMIN_AMQP_URL, DEFAULT_ADMIN_DATABASE_URL } from './provision';

/** The administrator's connections, which only `npm run provision` (and `npm start`, `npm test` through it) ever holds. */
export const provisioningSettings = defineSettings('provisioning', {
  ADMIN_DATABASE_URL: url('the PostgreSQL administrator that creates each service’s database and role', {
    protocols: ['postgres', 'postgresql'],
    default: DEFAULT_ADMIN_DATABASE_URL,
    secret: true,
  }),
  ADMIN_AMQP_URL: url('the RabbitMQ administrator that creates the virtual host, users and queues; a comma-separated list for a cluster', {
    protocols: ['amqp', 'amqps'],
    list: true,
    default: DEFAULT_ADMIN_AMQP_URL,
    secret: true,
  }),
  RABBITMQCTL: text('how to run rabbitmqctl against that broker, e.g. `docker compose exec -T rabbitmq rabbitmqctl`', {
    default: 'rabbitmqctl',
  }),
  RABBITMQ_MANAGEMENT_URL: url(
    'import the broker users through this management API (e.g. `http://rabbitmq:15672`) instead of rabbitmqctl',
    {
      protocols: ['http', 'https'],
    },
  ),
  PLATFORM_SETTINGS_DIR: text('where it writes each service’s settings (`<dir>/<service>.env`) and keeps the keys', {
    default: '.platform',
  }),
});

/** An OPS_TOKEN in the environment is kept as the operator token instead of a new one. */
export const provisionedOpsTokenSettings = defineSettings('provisioned operator token', { OPS_TOKEN: opsTokenSetting });

/** `npm run provision`: its own settings, the retry policy it declares queues for, and an operator token to keep. */
export const provisionConfig = defineServiceSchema('`npm run provision`', [
  provisioningSettings,
  retrySettings,
  provisionedOpsTokenSettings,
]);

import { SettingsGroup, Settings } from '@app/config';
import { retrySettings } from '@app/contracts';
import { consumerSettings } from '@app/messaging';
import { tracingSettings } from '@app/tracing';
import { httpLimitSettings } from './http-limits';
import { platformSettings } from './platform-config';

/** What every service reads through the platform runtime: its connections, its HTTP server and tracing. */
export const everyServiceSettings: readonly SettingsGroup<Settings>[] = [platformSettings, httpLimitSettings, tracingSettings];

/** What a service that consumes queues reads besides: the retry policy it routes failures by, and its gap timeout. */
export const consumerServiceSettings: readonly SettingsGroup<Settings>[] = [retrySettings, consumerSettings];

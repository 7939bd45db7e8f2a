import { INestApplication, Injectable, Logger } from '@nestjs/common';

/** Whether the process has been asked to stop; readiness turns false the moment it has. */
@Injectable()
export class ShutdownState {
  private since?: Date;

  get shuttingDown(): boolean {
    return this.since !== undefined;
  }

  begin(): void {
    this.since ??= new Date();
  }
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * At SIGTERM or SIGINT the service turns not ready at once, keeps serving for `graceMs` so that a
 * load balancer polling readiness stops sending it requests, and only then drains (relay,
 * consumers, in-flight requests) and closes. Used instead of Nest's enableShutdownHooks, whose
 * drain would start while readiness still said yes. `afterClose` runs last (it flushes the buffered spans).
 */
export function closeGracefullyOnSignals(
  app: INestApplication,
  graceMs: number,
  afterClose: () => Promise<void> = async () => undefined,
): void {
  const onSignal = (signal: NodeJS.Signals) => {
    SIGNALS.forEach((name) => process.off(name, onSignal));
    app.get(ShutdownState).begin();
    new Logger('Shutdown').log(`${signal}: not ready; draining in ${graceMs} ms`);
    setTimeout(() => {
      app
        .close()
        .then(afterClose)
        .then(
          () => process.kill(process.pid, signal),
          (error: Error) => {
            process.stderr.write(`shutdown failed: ${error.message}\n`);
            process.exit(1);
          },
        );
    }, graceMs);
  };
  SIGNALS.forEach((name) => process.on(name, onSignal));
}

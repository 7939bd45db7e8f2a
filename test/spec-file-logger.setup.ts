import { ConsoleLogger, Logger, LogLevel } from '@nestjs/common';
import { inspect } from 'node:util';
// By path, not through @app/testing: this runs before every spec, and the test platform's imports are heavy.
import { appendToSpecLog } from '../libs/testing/src/spec-log';

/**
 * Nest's logger for the modules a spec runs in its own process (consumers, relays, connections):
 * their lines go to the spec's log file, with those of the processes it starts, and are printed
 * only if the spec fails, instead of between Jest's results. A spec may still override it.
 */
class SpecFileLogger extends ConsoleLogger {
  constructor() {
    super({ colors: false });
  }

  protected override printMessages(
    messages: unknown[],
    context = '',
    logLevel: LogLevel = 'log',
    stream?: 'stdout' | 'stderr',
    stack?: unknown,
  ): void {
    for (const message of messages) {
      const text = typeof message === 'string' ? message : inspect(message);
      const line = `[in-process] ${logLevel.toUpperCase()} [${context}] ${text}${stack ? `\n${String(stack)}` : ''}\n`;
      // Outside a spec's run (no test path known) the line is printed as Nest would.
      if (!appendToSpecLog(line)) super.printMessages([message], context, logLevel, stream, stack);
    }
  }

  protected override printStackTrace(): void {
    // printMessages wrote the stack with its message.
  }
}

Logger.overrideLogger(new SpecFileLogger());

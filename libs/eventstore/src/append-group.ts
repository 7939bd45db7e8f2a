import { DataSource } from 'typeorm';
import { CommitSignal } from './commit-signal';
import { EventStore, SingleAppend, WrongExpectedVersionError } from './event-store';
import { RecordedEvent } from './recorded-event';

interface Waiting {
  append: SingleAppend;
  resolve(event: RecordedEvent): void;
  reject(error: unknown): void;
}

/**
 * Group commit across streams: single-event appends that come while one statement is being
 * written go out together in the next one, instead of a statement (and a commit) each. The first
 * append of a quiet moment is written at once. Each append still succeeds or fails on its own.
 */
export class AppendGroup {
  private readonly waiting: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly signal: CommitSignal,
  ) {}

  /** Resolves with the recorded event, or rejects with WrongExpectedVersionError when the stream moved on. */
  append(append: SingleAppend): Promise<RecordedEvent> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ append, resolve, reject });
      if (!this.writing) void this.writeWaiting();
    });
  }

  private async writeWaiting(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0);
      try {
        await this.write(group);
      } catch (error) {
        if (group.length === 1) group[0].reject(error);
        // One append the database refuses (a value jsonb cannot hold) fails the whole statement:
        // write each on its own, so only the append that caused it fails.
        else for (const waiting of group) await this.write([waiting]).catch((own: unknown) => waiting.reject(own));
      }
    }
    this.writing = false;
  }

  private async write(group: Waiting[]): Promise<void> {
    const outcomes = await this.store.appendEach(
      this.dataSource.manager,
      group.map((waiting) => waiting.append),
    );
    if (outcomes.some((outcome) => !(outcome instanceof WrongExpectedVersionError))) this.signal.committed();
    outcomes.forEach((outcome, i) => (outcome instanceof WrongExpectedVersionError ? group[i].reject(outcome) : group[i].resolve(outcome)));
  }
}

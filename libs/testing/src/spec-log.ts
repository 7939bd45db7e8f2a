import type { ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { specLogFile } from './spec-log-file';

interface JestExpect {
  getState(): { testPath?: string };
}

/** The log file of the spec running in this Jest environment; undefined outside Jest (a benchmark prints its own way). */
export function currentSpecLogFile(): string | undefined {
  const testPath = (globalThis as { expect?: JestExpect }).expect?.getState().testPath;
  return testPath ? specLogFile(testPath) : undefined;
}

const folders = new Set<string>();

/** Appends `text` to the running spec's log file (see test/failing-spec-logs.reporter.js); false outside Jest. */
export function appendToSpecLog(text: string): boolean {
  const file = currentSpecLogFile();
  if (!file) return false;
  const folder = dirname(file);
  if (!folders.has(folder)) mkdirSync(folder, { recursive: true });
  folders.add(folder);
  appendFileSync(file, text);
  return true;
}

/**
 * Keeps a child process's output out of the test run's output: every line it prints goes, marked
 * with `label`, to the running spec's log file, which the failing-spec-logs reporter shows only
 * when that spec fails. Outside Jest nothing is written.
 */
export function logToSpecFile(child: ChildProcess, label: string): void {
  if (!currentSpecLogFile()) return;
  for (const stream of [child.stdout, child.stderr])
    if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => appendToSpecLog(`[${label}] ${line}\n`));
}

/**
 * The targets, each printed with its measured value and "met" or "missed". Ratios against
 * today's code come from a baseline the caller measured in the same hour and passes in the
 * environment; without it the target says "not compared".
 */
export interface Target {
  name: string;
  measured: string;
  /** undefined: nothing to compare against. */
  met: boolean | undefined;
  goal: string;
}

export function baseline(variable: string): number | undefined {
  const value = Number(process.env[variable]);
  return process.env[variable] && Number.isFinite(value) && value > 0 ? value : undefined;
}

export function printTargets(targets: readonly Target[], log: (line: string) => void): void {
  log('\ntargets (issue 16)');
  const width = Math.max(...targets.map((t) => t.name.length));
  for (const { name, measured, met, goal } of targets) {
    const verdict = met === undefined ? 'not compared' : met ? 'met' : 'missed';
    log(`  ${name.padEnd(width)}  ${measured}  [${goal}: ${verdict}]`);
  }
}

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU time of whole processes, read from /proc (Linux only; elsewhere every reading is empty), so
 * every bench counts the database, the broker and its own load generator the same way it counts
 * the services. A group is a named set of processes, found afresh at each reading because
 * database backends come and go.
 */
export type ProcessGroups = Record<string, () => number[] | Promise<number[]>>;

/** CPU ms (user + system) per process id, per group. */
export type CpuReading = Map<string, Map<number, number>>;

const ticksPerMs = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) / 1_000;
  } catch {
    return 0.1;
  }
})();

/** User + system CPU ms of one process so far, or undefined once it has gone. */
export function cpuMsOf(pid: number): number | undefined {
  try {
    // The command name may hold spaces and parentheses: the fields start after its last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
  } catch {
    return undefined;
  }
}

/** Process ids `pgrep` finds for `args` (e.g. `['-u', 'postgres']`), none when it finds nothing. */
export function pgrep(args: string[]): number[] {
  try {
    return execFileSync('pgrep', args).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The machine's RabbitMQ node: the broker's own Erlang VM, not a CLI tool's nor a private node run by root. */
export const rabbitPids = (): number[] => pgrep(['-u', 'rabbitmq', '-x', 'beam.smp']);

/** Every process of the PostgreSQL server, whoever they work for. */
export const postgresServerPids = (): number[] => pgrep(['-u', 'postgres']);

export async function readCpu(groups: ProcessGroups): Promise<CpuReading> {
  const reading: CpuReading = new Map();
  for (const [name, find] of Object.entries(groups)) {
    const perPid = new Map<number, number>();
    for (const pid of await find()) {
      const ms = cpuMsOf(pid);
      if (ms !== undefined) perPid.set(pid, ms);
    }
    reading.set(name, perPid);
  }
  return reading;
}

/**
 * CPU ms each group spent between two readings. A process that started in between counts whole;
 * one that ended in between is lost, so read before the processes of interest stop.
 */
export function cpuSpent(before: CpuReading, after: CpuReading): Map<string, number> {
  const spent = new Map<string, number>();
  for (const [name, perPid] of after) {
    let ms = 0;
    for (const [pid, now] of perPid) ms += now - (before.get(name)?.get(pid) ?? 0);
    spent.set(name, ms);
  }
  return spent;
}

/** Measures the CPU of `groups` while `work` runs. */
export async function measureCpu<T>(groups: ProcessGroups, work: () => Promise<T>): Promise<{ result: T; spent: Map<string, number> }> {
  const before = await readCpu(groups);
  const result = await work();
  return { result, spent: cpuSpent(before, await readCpu(groups)) };
}

/** Sum of the named groups' CPU. */
export const totalOf = (spent: Map<string, number>, names: readonly string[]): number =>
  names.reduce((sum, name) => sum + (spent.get(name) ?? 0), 0);

/** "account 5.02, merchant 2.81, …" in ms per unit of work, `digits` decimals. */
export const describePerUnit = (spent: Map<string, number>, units: number, digits = 2): string =>
  [...spent].map(([name, ms]) => `${name} ${(ms / Math.max(units, 1)).toFixed(digits)}`).join(', ');

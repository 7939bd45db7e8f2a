import { execFileSync } from 'node:child_process';
import { cpuMsOf } from './process-cpu';

/** CPU time (user + system, ms) of each service process this process started, by service name; Linux only. */
export function serviceCpuMs(): Map<string, number> {
  const usage = new Map<string, number>();
  try {
    const listing = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,args=']).toString();
    for (const line of listing.split('\n')) {
      const match = /^\s*(\d+)\s+\S+\s+.*dist\/apps\/([^/]+)\/main\.js/.exec(line);
      if (!match) continue;
      usage.set(match[2], (usage.get(match[2]) ?? 0) + (cpuMsOf(Number(match[1])) ?? 0));
    }
  } catch {
    // Not Linux, or a process ended between listing and reading: report what was read.
  }
  return usage;
}

/** CPU ms per unit of work spent by each service between two `serviceCpuMs()` readings. */
export function describeCpu(before: Map<string, number>, after: Map<string, number>, units: number): string {
  const parts = [...after].map(([service, ms]) => `${service} ${((ms - (before.get(service) ?? 0)) / units).toFixed(2)}`);
  return parts.length ? parts.join(', ') : 'not available';
}

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU time (user + system, ms) of each service process this process started, by service name; Linux only. */
export function serviceCpuMs(): Map<string, number> {
  const usage = new Map<string, number>();
  try {
    const ticksPerMs = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) / 1000;
    const listing = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,args=']).toString();
    for (const line of listing.split('\n')) {
      const match = /^\s*(\d+)\s+\S+\s+.*dist\/apps\/([^/]+)\/main\.js/.exec(line);
      if (!match) continue;
      const fields = readFileSync(`/proc/${match[1]}/stat`, 'utf8').split(') ')[1].split(' ');
      usage.set(match[2], (usage.get(match[2]) ?? 0) + (Number(fields[11]) + Number(fields[12])) / ticksPerMs);
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

import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `--cpu-prof` on a bench's command line (or BENCH_CPU_PROF=1): its child processes write V8 CPU profiles, summarised at the end. */
export const profiling = process.argv.includes('--cpu-prof') || process.env.BENCH_CPU_PROF === '1';

/**
 * Node does not take `--cpu-prof` from NODE_OPTIONS, so a preload runs the same V8 sampling
 * profiler through the inspector: it starts at SIGUSR2 (so start-up is left out, see
 * `startProfiling`) and writes a .cpuprofile when the process exits. A service re-raises SIGTERM
 * on itself once drained, and a process killed by a signal never reaches its exit handlers: the
 * preload turns that second SIGTERM into a normal exit.
 */
const preloadSource = (dir: string) => `
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const session = new Session();
session.connect();
session.post('Profiler.enable');
process.on('SIGUSR2', () => session.post('Profiler.start'));
process.on('exit', () => {
  // The in-process inspector answers synchronously, so the profile is written before the process ends.
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(${JSON.stringify(dir)} + '/CPU.' + Date.now() + '.' + process.pid + '.cpuprofile', JSON.stringify(result.profile));
  });
});
let signals = 0;
process.on('SIGTERM', () => { if (++signals > 1) process.exit(0); });
`;

/** Starts the profiler of processes started with `profilingEnv()`: from here to their exit is what their profile shows. */
export function startProfiling(pids: readonly (number | undefined)[]): void {
  for (const pid of pids) if (pid) process.kill(pid, 'SIGUSR2');
}

/** A fresh directory for profiles, and the environment that makes a Node child write its profile there. */
export function profilingEnv(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cpu-prof-'));
  const preload = join(dir, 'cpu-profile-preload.js');
  writeFileSync(preload, preloadSource(dir));
  return { dir, env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim() } };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  /** Microseconds before each sample. */
  timeDeltas: number[];
}

/** The `top` functions by self time in one .cpuprofile, as "ms  share  name (file:line)" lines. */
export function topSelfTime(file: string, top = 15): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  // A sample stands for the time until the next one, as DevTools counts it.
  const nodeMs = new Map<number, number>();
  profile.samples.forEach((id, i) => nodeMs.set(id, (nodeMs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1_000));
  const selfMs = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? ` (${url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '')}:${lineNumber + 1})` : '';
    const key = `${functionName || '(anonymous)'}${where}`;
    selfMs.set(key, (selfMs.get(key) ?? 0) + (nodeMs.get(node.id) ?? 0));
  }
  // Time spent waiting is not the process's cost: shares are of the busy time.
  selfMs.delete('(idle)');
  const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
  return [...selfMs]
    .sort(([, a], [, b]) => b - a)
    .slice(0, top)
    .map(([name, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`);
}

/** Prints the top self-time functions of every profile in `dir`, named by the process id in its file name. */
export function printProfiles(dir: string, nameOf: (pid: number) => string | undefined, log: (line: string) => void): void {
  const files = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'));
  log(
    `\nCPU profiles (V8 sampling profiler, from the measured phase to exit, top 15 functions by self time, share of busy time) in ${dir}`,
  );
  if (files.length === 0) log('  none written (was the profiler started, and did the processes exit normally?)');
  for (const file of files) {
    // CPU.<epoch ms>.<pid>.cpuprofile
    const pid = Number(file.split('.')[2]);
    log(`  ${nameOf(pid) ?? `pid ${pid}`} (${file})`);
    for (const line of topSelfTime(join(dir, file))) log(`    ${line}`);
  }
}

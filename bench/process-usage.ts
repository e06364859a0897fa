// CPU time and memory of the processes a benchmark run involves, read from Linux's /proc.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const CLOCK_TICKS = clockTicksPerSecond();
const SAMPLE_EVERY_MS = 200;

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

interface StatFields {
  ppid: number;
  /** utime + stime of the process itself, in clock ticks. */
  ownTicks: number;
  /** cutime + cstime: exited children the process has waited for (PostgreSQL's ended backends). */
  childTicks: number;
}

function readStat(pid: number): StatFields | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
    return { ppid: Number(fields[1]), ownTicks: Number(fields[11]) + Number(fields[12]), childTicks: Number(fields[13]) + Number(fields[14]) };
  } catch {
    return undefined;
  }
}

interface Memory {
  rssKb: number;
  anonKb: number;
  shmemKb: number;
}

function readMemory(pid: number): Memory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { rssKb: kb('VmRSS'), anonKb: kb('RssAnon'), shmemKb: kb('RssShmem') };
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function stateDir(): string {
  return process.env.PENALTY_STATE_DIR ?? '/var/tmp/penalty-platform';
}

/** The local Kafka broker's JVM (pid file of scripts/infra/kafka.sh), if it runs on this machine. */
export function kafkaBrokerPid(): number | undefined {
  const pidFile = path.join(stateDir(), 'kafka/kafka.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (pid > 0 && commandLine(pid).includes('kafka.Kafka')) return pid;
  }
  return undefined;
}

/** The local PostgreSQL cluster's postmaster (first line of postmaster.pid), if it runs on this machine. */
export function postmasterPid(): number | undefined {
  const pidFile = path.join(stateDir(), 'postgres/data/postmaster.pid');
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0].trim());
    if (pid > 0 && readStat(pid)) return pid;
  } catch {
    // not readable or not there: no local cluster to measure
  }
  return undefined;
}

/** A process (or a group of processes counted as one) whose CPU and memory a run reports. */
export interface Subject {
  name: string;
  /** The subject whose figures already include this one's (a database's backends are part of the cluster). */
  partOf?: string;
  /** CPU ticks of the subject now (may include exited children that were waited for); NaN once the process is gone. */
  ticks(): number;
  /** Resident memory of the subject now, in kB. */
  memoryKb(): number;
  /** Called at every sample, for subjects that must follow processes coming and going. */
  poll?(): void;
}

export function singleProcess(name: string, pid: number): Subject {
  return {
    name,
    ticks: () => readStat(pid)?.ownTicks ?? NaN,
    memoryKb: () => readMemory(pid)?.rssKb ?? 0,
  };
}

/** The local broker, found again by its pid file on every read: a broker restarted meanwhile reads NaN (not measured). */
export function kafkaBroker(name: string): Subject | undefined {
  const pid = kafkaBrokerPid();
  if (pid === undefined) return undefined;
  return {
    name,
    ticks: () => (kafkaBrokerPid() === pid ? (readStat(pid)?.ownTicks ?? NaN) : NaN),
    memoryKb: () => readMemory(pid)?.rssKb ?? 0,
  };
}

/**
 * The whole PostgreSQL cluster: postmaster, background workers and every backend. Ended backends'
 * CPU moves into the postmaster's cutime/cstime when it reaps them, so the sum stays exact across
 * connections that close during the run. Memory: private pages of every process plus the largest
 * shared mapping once (shared buffers appear in every backend's RSS and would otherwise count many times).
 */
export function postgresCluster(name: string, postmaster: number): Subject {
  const all = () => [postmaster, ...childrenOf(postmaster)];
  return {
    name,
    // A cluster restarted meanwhile (another pid file) reads NaN: not measured.
    ticks: () => (postmasterPid() !== postmaster ? NaN : all().reduce((sum, pid) => { const s = readStat(pid); return sum + (s ? s.ownTicks + s.childTicks : 0); }, 0)),
    memoryKb: () => {
      let anon = 0;
      let shmem = 0;
      for (const pid of all()) {
        const m = readMemory(pid);
        if (!m) continue;
        anon += m.anonKb;
        shmem = Math.max(shmem, m.shmemKb);
      }
      return anon + shmem;
    },
  };
}

/**
 * The backends of one database (their process title names it), sampled: a backend that ends between
 * two samples loses at most one sampling interval of CPU, so this is a lower bound.
 */
export function databaseBackends(name: string, partOf: string, postmaster: number, database: string): Subject {
  const seen = new Map<number, number>();
  const ours = () => childrenOf(postmaster).filter((pid) => commandLine(pid).split(' ')[2] === database);
  const poll = () => { for (const pid of ours()) { const s = readStat(pid); if (s) seen.set(pid, s.ownTicks); } };
  return {
    name,
    partOf,
    poll,
    ticks: () => {
      poll();
      return [...seen.values()].reduce((a, b) => a + b, 0);
    },
    memoryKb: () => ours().reduce((sum, pid) => sum + (readMemory(pid)?.anonKb ?? 0), 0),
  };
}

/** This Node process (publisher and recorder of the benchmark). */
export function thisProcess(name: string): Subject {
  return singleProcess(name, process.pid);
}

/** Busy CPU time of the whole machine (every core), in ticks, from /proc/stat. */
function machineBusyTicks(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
  return cpu.slice(0, 8).reduce((a, b) => a + b, 0) - cpu[3] - cpu[4];
}

export interface Usage {
  name: string;
  partOf?: string;
  cpuSeconds: number;
  peakRssMb: number;
}

export interface UsageReport {
  subjects: Usage[];
  /** CPU seconds the whole machine was busy (every process, ours and others'). */
  machineCpuSeconds: number;
  wallSeconds: number;
}

/** Measures subjects between start() and stop(): CPU from /proc stat deltas, peak memory sampled every 200 ms. */
export class UsageMeter {
  private startTicks = new Map<string, number>();
  private peakKb = new Map<string, number>();
  private machineStart = 0;
  private startedAt = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly subjects: Subject[]) {}

  start(): void {
    for (const s of this.subjects) { this.startTicks.set(s.name, s.ticks()); this.peakKb.set(s.name, 0); }
    this.machineStart = machineBusyTicks();
    this.startedAt = Date.now();
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
  }

  private sample(): void {
    for (const s of this.subjects) {
      s.poll?.();
      this.peakKb.set(s.name, Math.max(this.peakKb.get(s.name) ?? 0, s.memoryKb()));
    }
  }

  stop(): UsageReport {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const subjects = this.subjects.map((s) => ({
      name: s.name,
      partOf: s.partOf,
      cpuSeconds: (s.ticks() - (this.startTicks.get(s.name) ?? 0)) / CLOCK_TICKS,
      peakRssMb: (this.peakKb.get(s.name) ?? 0) / 1024,
    }));
    return { subjects, machineCpuSeconds: (machineBusyTicks() - this.machineStart) / CLOCK_TICKS, wallSeconds: (Date.now() - this.startedAt) / 1000 };
  }
}

/**
 * Waits until each subject uses less than `maxCores` of CPU over one second (services finishing trailing
 * work, JIT warm-up), at most `timeoutMs`. Says who was still busy when it gave up.
 */
export async function waitUntilQuiet(subjects: Subject[], maxCores = 0.1, timeoutMs = 60_000): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let busiest = '';
  while (Date.now() < deadline) {
    const before = subjects.map((s) => s.ticks());
    await new Promise((r) => setTimeout(r, 1000));
    const cores = subjects.map((s, i) => (s.ticks() - before[i]) / CLOCK_TICKS);
    const i = cores.reduce((best, c, j) => (c > cores[best] ? j : best), 0);
    // A process that is gone (NaN) cannot get quiet; it is reported where its figures are.
    if (!(cores[i] >= maxCores)) return undefined;
    busiest = `${subjects[i].name} at ${(cores[i] * 100).toFixed(0)} % of a core`;
  }
  const busy = `still busy after ${timeoutMs / 1000} s (${busiest})`;
  console.log(`${busy}; going on`);
  return busy;
}

export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

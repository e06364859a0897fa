import type { ServiceApp } from '@penalty/testing';

/** A fault the run injects, `at` seconds after publishing started. Replicas are named `<app>#<n>`. */
export type FaultPlan =
  | { kind: 'kill-replica'; at: number; replica: string }
  | { kind: 'stop-replica'; at: number; replica: string; seconds: number }
  | { kind: 'kill-broker'; at: number }
  | { kind: 'kill-database'; at: number };

export interface ChaosOptions {
  size: 'short' | 'long' | 'custom';
  /** Messages the feed puts on violations.detected.v1 (distinct violations, duplicates and poison). */
  messages: number;
  merchants: number;
  /** Messages per second, profiles included. */
  rate: number;
  /** Share of messages that repeat an earlier violation: half the same CloudEvent again, half the same violationId under a new id. */
  duplicateShare: number;
  /** Share of messages that are poison (not JSON, invalid schema, unknown code, in turn); at least 3. */
  poisonShare: number;
  /** Share of merchants that get a merchant profile (some of them a second one later). */
  profileShare: number;
  /** Share of distinct violations sent over HTTP (POST /v1/violations on either api replica) instead of Kafka. */
  httpShare: number;
  replicasPerApp: number;
  faults: FaultPlan[];
  /** How long the run waits, after the last message and the last fault, for every expected output. */
  drainTimeoutSeconds: number;
  seed: number;
  /** Keep the broker's and database's state directory after the run (it is removed otherwise). */
  keepState: boolean;
}

const apps: ServiceApp[] = ['api', 'scoring-service', 'sanction-service', 'notification-service'];

/**
 * About 2,000 messages and one fault of each kind, in a little over three minutes of publishing:
 * part of `npm test`. The scoring service is the one killed (its redelivered batches hold the
 * poison messages); the SIGSTOP lasts 40 s, past the consumers' session timeout (30 s today), and
 * the run checks that the frozen replica really left its consumer groups. The broker comes last:
 * the pipeline takes longest to recover from it.
 */
const SHORT: Pick<ChaosOptions, 'messages' | 'merchants' | 'faults'> = {
  messages: 2_000,
  merchants: 200,
  faults: [
    { kind: 'kill-replica', at: 10, replica: 'scoring-service#1' },
    { kind: 'stop-replica', at: 45, replica: 'sanction-service#2', seconds: 40 },
    { kind: 'kill-database', at: 110 },
    { kind: 'kill-broker', at: 150 },
  ],
};

/** At least 50,000 messages; every replica SIGKILLed once (one twice), two SIGSTOPs, the broker and the database twice each. */
const LONG: Pick<ChaosOptions, 'messages' | 'merchants' | 'faults'> = {
  messages: 50_000,
  merchants: 2_000,
  faults: [
    { kind: 'kill-replica', at: 30, replica: 'scoring-service#1' },
    { kind: 'kill-replica', at: 100, replica: 'sanction-service#2' },
    { kind: 'stop-replica', at: 170, replica: 'scoring-service#2', seconds: 40 },
    { kind: 'kill-replica', at: 270, replica: 'notification-service#1' },
    { kind: 'kill-database', at: 340 },
    { kind: 'kill-replica', at: 420, replica: 'api#1' },
    { kind: 'kill-broker', at: 490 },
    { kind: 'kill-replica', at: 590, replica: 'scoring-service#2' },
    { kind: 'stop-replica', at: 660, replica: 'sanction-service#1', seconds: 40 },
    { kind: 'kill-replica', at: 760, replica: 'notification-service#2' },
    { kind: 'kill-replica', at: 830, replica: 'sanction-service#1' },
    { kind: 'kill-database', at: 900 },
    { kind: 'kill-replica', at: 980, replica: 'api#2' },
    { kind: 'kill-broker', at: 1050 },
  ],
};

const USAGE = `usage: npm run chaos -- [short|long] [options]
  short (default)        about 2,000 messages, one fault of each kind (the run in npm test)
  long                   50,000 messages, every replica SIGKILLed, two SIGSTOPs, broker and database twice
  --messages N           messages on violations.detected.v1 (distinct, duplicates, poison)
  --merchants M
  --rate R               messages per second (default: spread over the fault schedule)
  --stop-seconds S       length of each SIGSTOP (default 40)
  --no-faults            the same feed without faults (a baseline)
  --drain-timeout S      seconds to wait for the outcome after the last message (default 240, long 600)
  --seed N               the event set's random seed (printed by every run)
  --keep-state           keep the broker's and database's data directory`;

export function parseChaosOptions(argv: string[]): ChaosOptions {
  const args = [...argv];
  const size = args[0] === 'long' || args[0] === 'short' ? (args.shift() as 'short' | 'long') : 'short';
  const base = size === 'long' ? LONG : SHORT;
  const options: ChaosOptions = {
    size,
    ...base,
    faults: base.faults.map((f) => ({ ...f })),
    rate: 0,
    duplicateShare: 0.1,
    poisonShare: 0.01,
    profileShare: 0.3,
    httpShare: 0.05,
    replicasPerApp: 2,
    drainTimeoutSeconds: size === 'long' ? 600 : 240,
    seed: Math.floor(Math.random() * 2 ** 31),
    keepState: false,
  };
  let stopSeconds: number | undefined;
  const number = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number\n${USAGE}`);
    return n;
  };
  while (args.length > 0) {
    const flag = args.shift()!;
    switch (flag) {
      case '--messages':
        options.messages = number(flag, args.shift());
        options.size = 'custom';
        break;
      case '--merchants':
        options.merchants = number(flag, args.shift());
        break;
      case '--rate':
        options.rate = number(flag, args.shift());
        break;
      case '--stop-seconds':
        stopSeconds = number(flag, args.shift());
        break;
      case '--no-faults':
        options.faults = [];
        break;
      case '--drain-timeout':
        options.drainTimeoutSeconds = number(flag, args.shift());
        break;
      case '--seed':
        options.seed = number(flag, args.shift());
        break;
      case '--keep-state':
        options.keepState = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${flag}\n${USAGE}`);
    }
  }
  if (stopSeconds !== undefined) for (const f of options.faults) if (f.kind === 'stop-replica') f.seconds = stopSeconds;
  for (const f of options.faults) {
    if ((f.kind === 'kill-replica' || f.kind === 'stop-replica') && !replicaNames(options.replicasPerApp).includes(f.replica)) {
      throw new Error(`fault on unknown replica ${f.replica}`);
    }
  }
  if (options.rate === 0) {
    // Publishing lasts until a while after the last fault began, so every fault meets a steady flow.
    const lastFault = Math.max(0, ...options.faults.map((f) => f.at + (f.kind === 'stop-replica' ? f.seconds : 0)));
    options.rate = Math.max(5, Math.round(options.messages / (lastFault + 50)));
  }
  return options;
}

export function replicaNames(replicasPerApp: number): string[] {
  return apps.flatMap((app) => Array.from({ length: replicasPerApp }, (_, i) => `${app}#${i + 1}`));
}

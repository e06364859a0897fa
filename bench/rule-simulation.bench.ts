// The replay of issue 12 item 4 (simulate a draft over history) on one core, no broker or database:
// N generated violations over M merchants of one marketplace in 2022 (both sides of the 2022-06-27
// forgery change), simulated under a draft (the 2022-06-27 rule data with FRAUD STANDARD at 18 points)
// against the seed versions in force. Prints violations/s (each violation is replayed twice: under the
// version in force then and under the draft, and compared) and the heap used. Target: >= 100,000/s.
//
//   node -r @swc-node/register bench/rule-simulation.bench.ts [violations=1000000] [merchants=50000] [rounds=3]
import {
  GENERAL_VIOLATION_CODES,
  RULE_SETS,
  RulebookCatalogue,
  ruleDataOf,
  seedVersions,
  SERIOUS_VIOLATION_CODES,
  simulate,
  type Scenario,
  type Severity,
  type StoredViolation,
  type ViolationCode,
} from '@penalty/domain';

const total = Number(process.argv[2] ?? 1_000_000);
const merchantCount = Number(process.argv[3] ?? 50_000);
const rounds = Number(process.argv[4] ?? 3);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const gc = (globalThis as { gc?: () => void }).gc;

// A deterministic mix: 80% general (a quarter of them with an exam scenario), 19.9% serious, 0.1% forgery.
// mulberry32: a small deterministic generator with 32-bit integer arithmetic (exact in doubles)
let seed = 12_345;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const seriousCodes = SERIOUS_VIOLATION_CODES.filter((c) => c !== 'QUALIFICATION_FORGERY');
const severities: Severity[] = ['MINOR', 'MINOR', 'MINOR', 'STANDARD', 'STANDARD', 'SEVERE'];
const scenarios: Scenario[] = ['AD_INFO', 'DUPLICATE_INFO', 'WRONG_DESCRIPTION', 'OTHER_SPAM'];
const merchants = Array.from({ length: merchantCount }, (_, i) => `m-${i}`);
const start = new Date('2022-01-01T00:00:00+08:00').getTime();
const yearMs = 365 * 86_400_000;
const violations: StoredViolation[] = new Array(total);
for (let i = 0; i < total; i++) {
  const r = random();
  let code: ViolationCode;
  let scenario: Scenario | null = null;
  if (r < 0.001) code = 'QUALIFICATION_FORGERY';
  else if (r < 0.2) code = seriousCodes[Math.floor(random() * seriousCodes.length)];
  else if (random() < 0.25) {
    code = 'INFORMATION_ABUSE';
    scenario = scenarios[Math.floor(random() * scenarios.length)];
  } else code = GENERAL_VIOLATION_CODES[Math.floor(random() * GENERAL_VIOLATION_CODES.length)];
  violations[i] = {
    violationId: `v-${i}`,
    merchantId: merchants[Math.floor(random() * merchantCount)],
    marketplace: 'tmall',
    code,
    severity: severities[Math.floor(random() * severities.length)],
    scenario,
    occurredAt: new Date(start + Math.floor((i / total) * yearMs)), // stored in time order, as a query by occurredAt reads them
  };
}

const catalogue = new RulebookCatalogue(seedVersions({ marketplace: 'tmall' }));
const inForce = catalogue.ruleSetAt.bind(catalogue);
const draftData = ruleDataOf(RULE_SETS[1]);
draftData.pointOverrides = { FRAUD: { STANDARD: 18 } };
const draft = { marketplace: 'tmall', versionId: 'draft-bench', ruleData: draftData };
const period = { from: new Date(start), to: new Date(start + yearMs) };

gc?.();
const heapBefore = process.memoryUsage().heapUsed;
console.log(`${total.toLocaleString('en-US')} violations over ${merchantCount.toLocaleString('en-US')} merchants generated; heap ${mb(heapBefore)} (Node ${process.version}${gc ? '' : ', run with --expose-gc for settled heap figures'})`);

let best = Infinity;
let bestCpu = Infinity;
let report: ReturnType<typeof simulate> | undefined;
let peakHeap = 0;
for (let round = 0; round < rounds; round++) {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  report = simulate({ violations, draft, inForce, period });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  best = Math.min(best, seconds);
  bestCpu = Math.min(bestCpu, cpuSeconds);
  // CPU time beside wall time: on a busy machine the wall clock counts other processes' turns too.
  console.log(`round ${round + 1}: ${seconds.toFixed(2)} s wall (${cpuSeconds.toFixed(2)} s CPU), ${Math.round(total / seconds).toLocaleString('en-US')} violations/s (${Math.round(total / cpuSeconds).toLocaleString('en-US')} per CPU second; two replays and the comparison each)`);
  report = round < rounds - 1 ? undefined : report;
  gc?.();
}
const r = report!;
// Twice: a first full collection can leave what finalisation or weak references still held.
gc?.();
gc?.();
const retained = process.memoryUsage().heapUsed;
console.log(`best: ${Math.round(total / best).toLocaleString('en-US')} violations/s on one core by the wall clock, ${Math.round(total / bestCpu).toLocaleString('en-US')} per CPU second`);
console.log(
  `heap used: ${mb(heapBefore)} holding the violations, ${mb(peakHeap)} at most right after a simulation (garbage included)` +
    (gc ? `, ${mb(retained)} with the last report kept after a collection (${mb(retained - heapBefore)} for the report)` : ''),
);
console.log(
  `report: ${r.merchants.toLocaleString('en-US')} merchants, ${r.merchantsChanged.toLocaleString('en-US')} changed, ${r.decisionsChanged.toLocaleString('en-US')} decisions changed; ` +
    `fines ${(r.finesFen.before / 100).toLocaleString('en-US')} -> ${(r.finesFen.after / 100).toLocaleString('en-US')} CNY; forgery cases ${r.forgery.cases} (fined instead of cleared out ${r.forgery.finedInsteadOfClearedOut}); ` +
    `nodes ${r.nodes.map((n) => `${n.track[0]}${n.node} ${n.reachedBefore}->${n.reachedAfter}`).join(', ')}`,
);

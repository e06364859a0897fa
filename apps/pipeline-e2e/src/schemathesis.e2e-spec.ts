import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { aMerchantId, aViolationEvent, PipelineStack, SERVICE_APPS, type ServiceApp } from '@penalty/testing';

const repoRoot = path.resolve(__dirname, '../../..');
/** Test cases per operation and phase; about 45 operations in all, so the four runs take about a minute. */
const MAX_EXAMPLES = Number(process.env.SCHEMATHESIS_MAX_EXAMPLES ?? 25);
const SEED = Number(process.env.SCHEMATHESIS_SEED ?? Date.now() % 2 ** 31);
const CHECKS = 'not_a_server_error,response_schema_conformance,status_code_conformance';
/**
 * Left out: signing out with the run's own bearer token would end that session in every service, and
 * every later case would only test the 401.
 */
const EXCLUDED_OPERATIONS = ['SessionsController_signOut'];

const documentOf = (app: ServiceApp) => path.join(repoRoot, 'libs/contracts/generated/openapi', `${app}.json`);

/**
 * Issue 10 item 8, schemathesis half: schemathesis (PyPI, tools/contracts/schemathesis.sh) against
 * every service's checked-in OpenAPI document on the real stack, as an admin operator (bearer): no
 * 5xx, no answer that breaks its documented schema, no status the operation does not document. First,
 * each running service serves exactly the checked-in document. SCHEMATHESIS_SEED replays a run.
 */
describe('schemathesis against every service (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack();
  let st: string;
  let bearer: string;

  beforeAll(async () => {
    // Installs schemathesis on first use (a venv under ~/.cache/penalty-platform), then starts the stack.
    st = execFileSync('bash', [path.join(repoRoot, 'tools/contracts/schemathesis.sh')], { encoding: 'utf8' }).trim();
    await stack.start();
    bearer = await stack.operatorToken('admin');
    // A few merchants with points, so that the read routes (the merchant search, the decisions) answer
    // with data, checked against their schemas, rather than only empty lists; assessed meanwhile.
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${stack.service('api').baseUrl}/v1/violations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
        body: JSON.stringify(aViolationEvent({ merchantId: aMerchantId('st') })),
      });
      expect(response.status).toBe(202);
    }
  }, 400_000);

  afterAll(async () => {
    await stack.stop();
  });

  it.each(SERVICE_APPS.map((app) => [app]))('%s serves the checked-in OpenAPI document', async (app) => {
    const served = (await (await fetch(`${stack.service(app).baseUrl}/docs/openapi.json`)).json()) as unknown;
    expect(served).toEqual(JSON.parse(readFileSync(documentOf(app), 'utf8')));
  });

  it(`finds no 5xx and no answer outside its document (${CHECKS}; seed ${SEED})`, async () => {
    // The four services at once, one worker each (2 cores): a run's time is the slowest service's.
    const runs = await Promise.all(SERVICE_APPS.map((app) => schemathesis(app)));
    const failed = runs.filter((run) => run.code !== 0);
    for (const run of runs) console.log(`schemathesis ${run.app}: exit ${run.code} in ${run.seconds} s\n${run.summary}`);
    // Generated values run to thousands of percent-escapes; shortened, so the report keeps the failure itself.
    expect(failed.map((run) => `${run.app} (exit ${run.code}, SCHEMATHESIS_SEED=${SEED}):\n${run.output.replace(/(%[0-9A-F]{2}){40,}/g, (long) => `${long.slice(0, 120)}…(${long.length} characters)`).slice(-12_000)}`)).toEqual([]);
  }, 300_000);

  function schemathesis(app: ServiceApp): Promise<{ app: ServiceApp; code: number; seconds: number; output: string; summary: string }> {
    const args = [
      'run',
      documentOf(app),
      '--url',
      stack.service(app).baseUrl,
      '--checks',
      CHECKS,
      '--max-examples',
      String(MAX_EXAMPLES),
      '--seed',
      String(SEED),
      '--workers',
      '1',
      '--request-timeout',
      '20',
      '--header',
      `Authorization: Bearer ${bearer}`,
      ...EXCLUDED_OPERATIONS.filter((id) => readFileSync(documentOf(app), 'utf8').includes(`"operationId": "${id}"`)).flatMap((id) => ['--exclude-operation-id', id]),
    ];
    const started = Date.now();
    return new Promise((resolve) => {
      execFile(st, args, { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' }, timeout: 280_000 }, (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        const summary = output.split('\n').filter((line) => /passed|failed|error|Test cases|Operations/i.test(line)).slice(-8).join('\n');
        resolve({ app, code, seconds: Math.round((Date.now() - started) / 1000), output, summary });
      });
    });
  }
});

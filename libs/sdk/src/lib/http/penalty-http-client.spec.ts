import { PenaltyApiError, PenaltyHttpClient, violationDetectedEvent, EventValidationError } from '../../index';

const event = violationDetectedEvent(
  { violationId: 'v-1', merchantId: 'm-1', code: 'COUNTERFEIT_GOODS', severity: 'STANDARD', occurredAt: '2026-11-20T10:00:00+08:00', detectedBy: 'listing-audit' },
  { source: 'listing-audit', id: 'e-1' },
);

function client(answers: Response[]) {
  const requests: Request[] = [];
  const fetch = (async (request: Request) => {
    requests.push(request.clone());
    return answers.shift()!;
  }) as unknown as typeof globalThis.fetch;
  return { requests, client: new PenaltyHttpClient({ baseUrl: 'http://api.test/', apiKey: 'pk_a_b', fetch, retry: { baseDelayMs: 1 } }) };
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers } });

describe('PenaltyHttpClient', () => {
  it('posts the validated event with the API key, retried on 503 with the same id', async () => {
    const { client: c, requests } = client([json(503, { type: 'about:blank', title: 'unavailable', status: 503 }, { 'retry-after': '0' }), json(202, { id: 'e-1', status: 'DUPLICATE' })]);
    await expect(c.reportViolation(event)).resolves.toEqual({ id: 'e-1', status: 'DUPLICATE' });
    expect(requests.map((r) => [r.method, r.url, r.headers.get('x-api-key'), r.headers.get('content-type')])).toEqual(
      Array(2).fill(['POST', 'http://api.test/v1/violations', 'pk_a_b', 'application/cloudevents+json']),
    );
    expect(await Promise.all(requests.map(async (r) => ((await r.json()) as { id: string }).id))).toEqual(['e-1', 'e-1']);
  });

  it('throws PenaltyApiError with the problem and attempts; does not send an invalid event', async () => {
    const { client: c, requests } = client([json(400, { type: 'about:blank', title: 'invalid', status: 400, code: 'REQUEST.INVALID', errors: [{ field: 'data.code', message: 'x' }] })]);
    const error: PenaltyApiError = await c.reportViolation(event).catch((e) => e);
    expect(error).toBeInstanceOf(PenaltyApiError);
    expect([error.status, error.problem?.code, error.problem?.errors?.[0].field, error.attempts, error.retriable]).toEqual([400, 'REQUEST.INVALID', 'data.code', 1, false]);
    const before = requests.length;
    await expect(c.reportViolation({ ...event, data: { ...event.data, severity: 'HUGE' as never } })).rejects.toBeInstanceOf(EventValidationError);
    expect(requests.length).toBe(before);
  });

  it('posts a batch as a JSON array and returns each result', async () => {
    const results = { results: [{ index: 0, id: 'e-1', status: 'ACCEPTED' }], accepted: 1, duplicates: 0, invalid: 0 };
    const { client: c, requests } = client([json(200, results)]);
    await expect(c.reportViolations([event])).resolves.toEqual(results);
    expect(requests[0].url).toBe('http://api.test/v1/violations:batch');
    expect(await requests[0].json()).toEqual([JSON.parse(JSON.stringify(event))]);
    await expect(c.reportViolations([])).rejects.toThrow(RangeError);
  });
});

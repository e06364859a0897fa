import { ATTEMPTS_HEADER, retryAfterMs, retryingFetch } from './retrying-fetch';

function scripted(answers: (Response | Error)[]) {
  const bodies: string[] = [];
  const fetch = jest.fn(async (request: Request) => {
    bodies.push(await request.text());
    const next = answers.shift()!;
    if (next instanceof Error) throw next;
    return next;
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls: fetch, bodies };
}
const post = () => new Request('http://api.test/v1/violations', { method: 'POST', body: '{"id":"e-1"}' });

describe('retryingFetch', () => {
  it('retries 429 and 503 with the same body, waiting what Retry-After says', async () => {
    const { fetch, bodies } = scripted([
      new Response('{}', { status: 429, headers: { 'retry-after': '2' } }),
      new Response('{}', { status: 503, headers: { 'retry-after': '1' } }),
      new Response('{"status":"DUPLICATE"}', { status: 202 }),
    ]);
    const waits: number[] = [];
    const response = await retryingFetch({ fetch, sleep: async (ms) => void waits.push(ms) })(post());
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'DUPLICATE' });
    expect(response.headers.get(ATTEMPTS_HEADER)).toBe('3');
    expect(waits).toEqual([2000, 1000]);
    expect(bodies).toEqual(Array(3).fill('{"id":"e-1"}'));
  });

  it('backs off exponentially with jitter without Retry-After, capped; gives up after maxAttempts with the last answer', async () => {
    const { fetch, calls } = scripted(Array.from({ length: 4 }, () => new Response('{}', { status: 503 })));
    const waits: number[] = [];
    const response = await retryingFetch({ fetch, maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300, random: () => 0.999, sleep: async (ms) => void waits.push(ms) })(post());
    expect(response.status).toBe(503);
    expect(calls).toHaveBeenCalledTimes(4);
    expect(waits).toEqual([99, 199, 299]);
  });

  it('does not retry other statuses, nor requests that are not retriable', async () => {
    const bad = scripted([new Response('{}', { status: 400 })]);
    expect((await retryingFetch({ fetch: bad.fetch, sleep: async () => undefined })(post())).status).toBe(400);
    expect(bad.calls).toHaveBeenCalledTimes(1);
    const once = scripted([new Response('{}', { status: 503 })]);
    expect((await retryingFetch({ fetch: once.fetch, retriable: () => false, sleep: async () => undefined })(post())).status).toBe(503);
    expect(once.calls).toHaveBeenCalledTimes(1);
  });

  it('retries a request that got no answer, then throws the last error', async () => {
    const ok = scripted([new TypeError('fetch failed'), new Response(null, { status: 204 })]);
    expect((await retryingFetch({ fetch: ok.fetch, sleep: async () => undefined })(post())).status).toBe(204);
    const down = scripted([new TypeError('fetch failed'), new TypeError('fetch failed')]);
    await expect(retryingFetch({ fetch: down.fetch, maxAttempts: 2, sleep: async () => undefined })(post())).rejects.toThrow('fetch failed');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

/** When and how often a request is sent again. */
export interface RetryPolicy {
  /** Requests in all, the first included. Default 5. */
  maxAttempts?: number;
  /** First backoff; doubled per attempt, with full jitter. Default 200 ms. */
  baseDelayMs?: number;
  /** Longest wait between attempts, Retry-After included. Default 30 s. */
  maxDelayMs?: number;
  /** Statuses worth another attempt. Default 429 and 503 (both mean: not recorded, try later). */
  retryStatuses?: readonly number[];
  /** Also retry when no answer came (connection refused or reset). Default true. */
  retryNetworkErrors?: boolean;
}

export interface RetryingFetchOptions extends RetryPolicy {
  fetch?: typeof fetch;
  /** Which requests may be sent again. Default: every request (see PenaltyHttpClient). */
  retriable?: (request: Request) => boolean;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
  /** For tests: the jitter, in [0, 1). */
  random?: () => number;
}

/** Header the answers carry how many requests were made with (1 + retries). */
export const ATTEMPTS_HEADER = 'x-penalty-sdk-attempts';

const DEFAULTS = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 30_000, retryStatuses: [429, 503], retryNetworkErrors: true };

/**
 * The wait a `Retry-After` asks for, in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3);
 * undefined when absent or unreadable.
 */
export function retryAfterMs(value: string | null, nowMs = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * A fetch that sends a request again on 429/503 (and on a missing answer), waiting what `Retry-After`
 * says or else an exponential backoff with full jitter. Safe for the ingestion routes because the
 * platform applies an event id once: a retry of a request that was recorded after all is answered
 * DUPLICATE. The body is re-sent from a clone, so the same bytes (the same event ids) go each time.
 */
export function retryingFetch(options: RetryingFetchOptions = {}): (input: Request) => Promise<Response> {
  const policy = { ...DEFAULTS, ...definedOnly(options) };
  const send = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  return async (request: Request) => {
    const retriable = options.retriable ? options.retriable(request) : true;
    const attempts = retriable ? Math.max(1, policy.maxAttempts) : 1;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= attempts;
      let response: Response;
      try {
        response = await send(last ? request : request.clone());
      } catch (error) {
        if (last || !policy.retryNetworkErrors || request.signal?.aborted) throw error;
        await sleep(backoff(attempt));
        continue;
      }
      if (last || !policy.retryStatuses.includes(response.status)) return withAttempts(response, attempt);
      const asked = retryAfterMs(response.headers.get('retry-after'));
      // The answer is not used: free its connection.
      await response.body?.cancel().catch(() => undefined);
      await sleep(Math.min(policy.maxDelayMs, asked ?? backoff(attempt)));
    }
  };

  function backoff(attempt: number): number {
    return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
  }
}

function withAttempts(response: Response, attempts: number): Response {
  const headers = new Headers(response.headers);
  headers.set(ATTEMPTS_HEADER, String(attempts));
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

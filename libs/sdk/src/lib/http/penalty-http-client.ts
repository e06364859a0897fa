import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '../../generated/api';
import { validateProducerEvent, type ViolationDetectedEvent } from '../producers/producer-events';
import { EventValidationError, PenaltyApiError } from '../sdk.errors';
import { ATTEMPTS_HEADER, retryingFetch, type RetryPolicy } from './retrying-fetch';

export type ApiPaths = paths;
export type ApiSchemas = components['schemas'];
export type ProblemDetails = ApiSchemas['ProblemDetails'];
export type AcceptedResult = ApiSchemas['AcceptedDto'];
export type BatchResult = ApiSchemas['BatchResultDto'];
/** The api's typed client (openapi-fetch over the generated paths), for every other route. */
export type ApiClient = Client<paths>;

/** The header platform systems authenticate with: `pk_<id>_<secret>`, issued by an admin. */
export const API_KEY_HEADER = 'x-api-key';
/** The most events POST /v1/violations:batch takes. */
export const MAX_BATCH_EVENTS = 500;

export interface PenaltyHttpClientOptions {
  /** The api's base URL, e.g. `https://penalty.example.com`. */
  baseUrl: string;
  /** An API key with the `violations:write` scope (and `standing:read` for standing reads). */
  apiKey: string;
  retry?: RetryPolicy;
  /** Another fetch (tests, a proxy agent). */
  fetch?: typeof fetch;
  /** Extra headers on every request (e.g. a traceparent). */
  headers?: Record<string, string>;
}

const INGESTION_PATHS = ['/v1/violations', '/v1/violations:batch'];

/**
 * The api over HTTP for platform systems: reports violations (validated here first, so a refused
 * field is found before the network), retried on 429/503 honouring Retry-After, idempotent by event
 * id; and `api`, the typed client generated from the OpenAPI document, for the other routes.
 */
export class PenaltyHttpClient {
  readonly api: ApiClient;

  constructor(options: PenaltyHttpClientOptions) {
    const fetch = retryingFetch({
      ...options.retry,
      fetch: options.fetch,
      // Ingestion is idempotent by event id and reads change nothing; other commands are sent once.
      retriable: (request) => request.method === 'GET' || INGESTION_PATHS.includes(new URL(request.url).pathname),
    });
    this.api = createClient<paths>({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      fetch,
      headers: { ...options.headers, [API_KEY_HEADER]: options.apiKey },
    });
  }

  /**
   * POST /v1/violations: `ACCEPTED` once durably recorded, `DUPLICATE` when this event id was accepted
   * before. Throws EventValidationError (nothing sent) or PenaltyApiError (after the retries).
   */
  async reportViolation(event: ViolationDetectedEvent): Promise<AcceptedResult> {
    const body = checked(event);
    const { data, error, response } = await this.api.POST('/v1/violations', {
      body,
      headers: { 'content-type': 'application/cloudevents+json' },
    });
    if (data) return data;
    throw apiError(response, error);
  }

  /**
   * POST /v1/violations:batch, 1 to 500 events: a result per event in order (ACCEPTED, DUPLICATE or
   * INVALID with its problem). Every event is validated here first; one invalid event throws.
   */
  async reportViolations(events: readonly ViolationDetectedEvent[]): Promise<BatchResult> {
    if (events.length < 1 || events.length > MAX_BATCH_EVENTS) throw new RangeError(`a batch holds 1 to ${MAX_BATCH_EVENTS} events, not ${events.length}`);
    const body = events.map(checked);
    const { data, error, response } = await this.api.POST('/v1/violations:batch', {
      body: body as never,
      headers: { 'content-type': 'application/cloudevents-batch+json' },
    });
    if (data) return data;
    throw apiError(response, error);
  }

  /** GET /v1/merchants/{merchantId}/standing (an API key with `standing:read`). */
  async standing(merchantId: string): Promise<ApiSchemas['StandingDto']> {
    const { data, error, response } = await this.api.GET('/v1/merchants/{merchantId}/standing', { params: { path: { merchantId } } });
    if (data) return data;
    throw apiError(response, error);
  }
}

function checked(event: ViolationDetectedEvent): ViolationDetectedEvent {
  const result = validateProducerEvent(event);
  if (!result.ok) throw result.error;
  if (result.event.type !== 'violation.detected.v1') {
    throw new EventValidationError('UNKNOWN_TYPE', [{ field: 'type', message: `type must be violation.detected.v1, not ${result.event.type}` }], 'only violation.detected.v1 events are reported over HTTP');
  }
  return result.event;
}

function apiError(response: Response, error: unknown): PenaltyApiError {
  const attempts = Number(response.headers.get(ATTEMPTS_HEADER) ?? '1');
  const problem = typeof error === 'object' && error !== null ? (error as ProblemDetails) : undefined;
  return new PenaltyApiError(response.status, problem, attempts);
}

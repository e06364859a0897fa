import { Body, Controller, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiServiceUnavailableResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { EventTypes, parseCloudEvent, violationEventOpenApiSchema, type ParseFailure } from '@penalty/contracts';
import { ApiKeyScope, PrincipalThrottlerGuard, Requires } from '@penalty/auth';
import { ProblemException } from '@penalty/runtime';
import { IntakeUnavailable, ViolationGroupCommit, type ViolationToRecord } from './violation-group-commit';
import { AcceptedDto, BatchResultDto, type BatchItemResultDto, type ProblemDto } from './violation-intake.dto';

/** Events per batch request. */
export const MAX_BATCH_EVENTS = 500;
const RETRY_AFTER_SECONDS = '1';
// The same type URIs as ProblemDetailsFilter gives, for the problems a batch answers inside its 200.
const problemType = (code: string) => `https://penalty-platform.example/problems/${code.toLowerCase().replace(/[._]/g, '-')}`;

type Checked = { ok: true; violation: ViolationToRecord } | { ok: false; problem: ProblemException };

/** A posted CloudEvent checked against the contract: a violation to record, or the problem it is answered with. */
function check(body: unknown): Checked {
  const parsed = parseCloudEvent(body, { expectedTypes: [EventTypes.ViolationDetectedV1] });
  if (!parsed.ok) return { ok: false, problem: problemOf(parsed) };
  // The event is forwarded as received, so fields unknown to this version survive for newer consumers.
  return { ok: true, violation: { id: parsed.event.id, merchantId: parsed.event.subject, value: JSON.stringify(body) } };
}

function problemOf(failure: ParseFailure): ProblemException {
  const errors = failure.violations.length > 0 ? failure.violations : [{ field: '', message: failure.message }];
  // The contract refuses an event over 256 KiB where it enters with 413.
  if (failure.reason === 'TOO_LARGE') return new ProblemException(413, 'EVENT.TOO_LARGE', 'Event too large', failure.message, errors);
  return ProblemException.validation(errors, failure.message);
}

const asProblem = (e: ProblemException): ProblemDto => ({ type: problemType(e.code), title: e.title, status: e.status, code: e.code, ...(e.detail ? { detail: e.detail } : {}), ...(e.errors ? { errors: e.errors } : {}) });

/**
 * HTTP entry for systems that do not speak Kafka. An event is accepted once its id and its outbox
 * row are committed to PostgreSQL, in a transaction shared with the requests that arrived at the same
 * time (ViolationGroupCommit); it is published to violations.detected.v1, keyed by merchant, right
 * after. A retried POST of an id recorded before is answered DUPLICATE and not published again.
 */
@ApiTags('violations')
@Controller('v1')
// Platform systems hold an API key with violations:write; admins may post by hand. Rate-limited per key.
@ApiKeyScope('violations:write')
@Requires('admin')
@UseGuards(PrincipalThrottlerGuard)
@SkipThrottle({ 'sign-in': true })
@ApiServiceUnavailableResponse({ description: 'RFC 9457 problem details (INGESTION.UNAVAILABLE), with Retry-After: the database could not confirm the event(s); nothing is answered accepted. Retrying is safe: an event that was recorded after all is answered DUPLICATE.' })
export class ViolationsController {
  constructor(private readonly intake: ViolationGroupCommit) {}

  @Post('violations')
  @HttpCode(202)
  @ApiOperation({ summary: 'Report a violation as a violation.detected.v1 CloudEvent (structured JSON mode); 202 once durably recorded' })
  @ApiBody({ description: 'CloudEvents 1.0 envelope whose data is a violation.detected.v1 payload (the contract\'s JSON Schema; see the AsyncAPI document)', schema: violationEventOpenApiSchema() as SchemaObject })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiBadRequestResponse({ description: 'RFC 9457 problem details; `errors` names each invalid field' })
  @ApiPayloadTooLargeResponse({ description: 'RFC 9457 problem details (EVENT.TOO_LARGE): the event is over 256 KiB' })
  @ApiTooManyRequestsResponse({ description: 'REQUEST.RATE_LIMITED: the API key is over INGESTION_REQUESTS_PER_MINUTE; Retry-After says when to try again' })
  async report(@Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<AcceptedDto> {
    const checked = check(body);
    if (!checked.ok) throw checked.problem;
    const [status] = await this.recorded(response, [checked.violation]);
    return { id: checked.violation.id, status };
  }

  @Post('violations\\:batch')
  @HttpCode(200)
  @ApiOperation({
    summary: `Report up to ${MAX_BATCH_EVENTS} violations at once (CloudEvents JSON batch format): 200 with a result per event, once the valid ones are durably recorded`,
    description:
      `The body is a JSON array of violation.detected.v1 CloudEvents (content type application/cloudevents-batch+json, or application/json), at most ${MAX_BATCH_EVENTS} events and 2 MiB. ` +
      'Each event is checked and deduplicated as POST /v1/violations would: the answer is 200 with one result per event, in order — ACCEPTED, DUPLICATE (its id was accepted before, or earlier in this batch) or INVALID with the problem details that route would have answered. ' +
      'The valid events of a batch are recorded together, in one transaction, so either all of them are accepted (or found duplicates) or, with a 503, none is. 200 rather than 207 Multi-Status: 207 is WebDAV\'s, with an XML body, and the per-event outcome is in the results. A batch counts as one request for the per-key rate limit.',
  })
  @ApiHeader({ name: 'content-type', required: false, description: 'application/cloudevents-batch+json (or application/json)' })
  @ApiBody({ description: 'A JSON array of CloudEvents 1.0 envelopes whose data are violation.detected.v1 payloads', schema: { type: 'array', items: violationEventOpenApiSchema() as SchemaObject, minItems: 1, maxItems: MAX_BATCH_EVENTS } })
  @ApiOkResponse({ type: BatchResultDto })
  @ApiBadRequestResponse({ description: `RFC 9457 problem details: the body is not a JSON array of 1 to ${MAX_BATCH_EVENTS} events (events that are invalid themselves are answered in the results)` })
  @ApiTooManyRequestsResponse({ description: 'REQUEST.RATE_LIMITED: the API key is over INGESTION_REQUESTS_PER_MINUTE; Retry-After says when to try again' })
  async reportBatch(@Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<BatchResultDto> {
    if (!Array.isArray(body)) throw ProblemException.validation([{ field: '', message: 'must be a JSON array of CloudEvents (application/cloudevents-batch+json)' }], 'The body is not a batch of CloudEvents.');
    if (body.length < 1 || body.length > MAX_BATCH_EVENTS) throw ProblemException.validation([{ field: '', message: `must hold 1 to ${MAX_BATCH_EVENTS} events, not ${body.length}` }], 'The batch is empty or too large.');
    const checked = body.map(check);
    const valid = checked.flatMap((c) => (c.ok ? [c.violation] : []));
    const statuses = valid.length > 0 ? await this.recorded(response, valid) : [];
    let next = 0;
    const results = checked.map((c, index): BatchItemResultDto => {
      if (c.ok) return { index, id: c.violation.id, status: statuses[next++] };
      const id = (body[index] as { id?: unknown } | null)?.id;
      return { index, id: typeof id === 'string' ? id : null, status: 'INVALID', problem: asProblem(c.problem) };
    });
    const count = (status: BatchItemResultDto['status']) => results.filter((r) => r.status === status).length;
    return { results, accepted: count('ACCEPTED'), duplicates: count('DUPLICATE'), invalid: count('INVALID') };
  }

  /** Waits for the group commit; an unavailable database is a 503 with Retry-After, never an answer that says accepted. */
  private async recorded(response: Response, violations: ViolationToRecord[]) {
    try {
      return await this.intake.record(violations);
    } catch (error) {
      if (!(error instanceof IntakeUnavailable)) throw error;
      response.setHeader('Retry-After', RETRY_AFTER_SECONDS);
      throw new ProblemException(503, 'INGESTION.UNAVAILABLE', 'Service unavailable', `The event(s) could not be recorded now (${error.message}). Retry after ${RETRY_AFTER_SECONDS} s; an event that was recorded after all is answered DUPLICATE.`);
    }
  }
}

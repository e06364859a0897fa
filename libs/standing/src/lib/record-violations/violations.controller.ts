import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiKeyScope, PrincipalThrottlerGuard, Requires } from '@penalty/auth';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CLOUDEVENTS_CONTENT_TYPE, EventTypes, Topics, parseCloudEvent } from '@penalty/contracts';
import { TransactionRunner } from '@penalty/messaging';
import { ProblemException } from '@penalty/runtime';
import { AcceptedDto } from './violation-intake.dto';

/**
 * HTTP entry for systems that do not speak Kafka. An event is accepted once it is in the outbox
 * (committed to PostgreSQL); the relay then publishes it to violations.detected.v1 keyed by merchant.
 * The event id is recorded in the same transaction, so a retried POST is not published twice.
 */
@ApiTags('violations')
@Controller('v1/violations')
export class ViolationIntakeController {
  constructor(private readonly runner: TransactionRunner) {}

  @Post()
  @HttpCode(202)
  // Platform systems hold an API key with violations:write; admins may post by hand. Rate-limited per key.
  @ApiKeyScope('violations:write')
  @Requires('admin')
  @UseGuards(PrincipalThrottlerGuard)
  @SkipThrottle({ 'sign-in': true })
  @ApiOperation({ summary: 'Report a violation as a violation.detected.v1 CloudEvent (structured JSON mode)' })
  @ApiBody({ description: 'CloudEvents 1.0 envelope whose data is a violation.detected.v1 payload; see the AsyncAPI document', schema: { type: 'object' } })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiBadRequestResponse({ description: 'RFC 9457 problem details; `errors` names each invalid field' })
  async report(@Body() body: unknown): Promise<AcceptedDto> {
    const parsed = parseCloudEvent(body, { expectedTypes: [EventTypes.ViolationDetectedV1] });
    if (!parsed.ok) throw ProblemException.validation(parsed.violations.length > 0 ? parsed.violations : [{ field: '', message: parsed.message }], parsed.message);
    const event = parsed.event;
    // Answered once committed; publication follows right after, in the background.
    const accepted = await this.runner.run([event.subject], async (tx) => {
      const fresh = await tx.query(
        `INSERT INTO processed_event (event_id, topic, outcome) VALUES ($1, $2, 'APPLIED') ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [event.id, Topics.ViolationsDetectedV1],
      );
      if (fresh.length === 0) return false;
      // The event is forwarded as received, so fields unknown to this version survive for newer consumers.
      tx.append({ topic: Topics.ViolationsDetectedV1, key: event.subject, value: JSON.stringify(body), headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE } });
      return true;
    }, { awaitPublication: false });
    return { id: event.id, status: accepted ? 'ACCEPTED' : 'DUPLICATE' };
  }
}

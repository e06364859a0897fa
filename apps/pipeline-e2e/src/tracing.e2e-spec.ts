import { randomBytes } from 'node:crypto';
import { Topics } from '@penalty/contracts';
import { aMerchantId, aViolationEvent, PipelineStack, TopicRecorder, type RecordedMessage } from '@penalty/testing';
import { OtlpReceiver, SPAN_KIND, type ReceivedSpan } from './otlp-receiver';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** [trace id, parent id] of a traceparent, failing on anything else. */
function parts(traceparent: unknown): [string, string] {
  const match = TRACEPARENT.exec(String(traceparent));
  if (!match) throw new Error(`not a traceparent: ${String(traceparent)}`);
  return [match[1], match[2]];
}

/** The trace context of a published message, as its Kafka header and as its CloudEvent attribute (the same, or the test fails). */
function traceOf(message: RecordedMessage): [string, string] {
  expect(message.json?.traceparent).toBe(message.headers.traceparent);
  return parts(message.headers.traceparent);
}

/**
 * One violation followed by its trace id from POST /v1/violations (the client sends a traceparent)
 * to its notifications, through every service: each output event carries the trace in its Kafka
 * header and its CloudEvent attribute, and each service exports its spans over OTLP (http/protobuf)
 * to a receiver started here, each span the child of the one before it.
 */
describe('tracing across HTTP and Kafka (real Kafka + PostgreSQL, OTLP receiver)', () => {
  const receiver = new OtlpReceiver();
  let stack: PipelineStack;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    await receiver.start();
    // Spans leave each service within 200 ms of ending, rather than the default 5 s.
    // debug: the inbox logs each applied batch, in the batch's trace context.
    stack = new PipelineStack({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200', LOG_LEVEL: 'debug' } });
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, [Topics.ViolationsDetectedV1, Topics.PenaltiesAssessedV1, Topics.SanctionsDecidedV1, Topics.NotificationsSentV1].map((t) => stack.topic(t)));
    await recorder.start();
  }, 300_000);

  afterAll(async () => {
    await recorder?.stop();
    await stack?.stop();
    await receiver.stop();
  });

  it('carries the client’s trace id from POST /v1/violations to penalty.assessed.v1, sanction.imposed.v1 and notification.sent.v1, with a span of each service', async () => {
    const merchantId = aMerchantId('traced');
    const traceId = hex(16);
    const clientSpanId = hex(8);
    // FRAUD, STANDARD: 12 serious points at once, so the first ladder node: a sanction, then notifications.
    const violation = aViolationEvent({ merchantId, code: 'FRAUD', severity: 'STANDARD' });
    const response = await fetch(`${stack.service('api').baseUrl}/v1/violations`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', 'x-api-key': stack.apiKey, traceparent: `00-${traceId}-${clientSpanId}-01` },
      body: JSON.stringify(violation),
    });
    expect(response.status).toBe(202);

    const of = (topic: string, type: string) => (m: RecordedMessage) => m.topic === stack.topic(topic) && m.key === merchantId && m.json?.type === type;
    const [detected] = await recorder.waitFor(of(Topics.ViolationsDetectedV1, 'violation.detected.v1'));
    const [assessed] = await recorder.waitFor(of(Topics.PenaltiesAssessedV1, 'penalty.assessed.v1'));
    const [imposed] = await recorder.waitFor(of(Topics.SanctionsDecidedV1, 'sanction.imposed.v1'));
    const noticeOf = (cause: RecordedMessage) => (m: RecordedMessage) => of(Topics.NotificationsSentV1, 'notification.sent.v1')(m) && m.json!.data.channel === 'INBOX' && m.json!.data.causeEventId === cause.json!.id;
    const [sanctionNotice] = await recorder.waitFor(noticeOf(imposed));
    const [penaltyNotice] = await recorder.waitFor(noticeOf(assessed));

    // Every event of the chain: the client's trace id, in the Kafka header and the CloudEvent alike.
    const [detectedTrace, detectedParent] = traceOf(detected);
    const [assessedTrace, assessedParent] = traceOf(assessed);
    const [imposedTrace, imposedParent] = traceOf(imposed);
    const [sanctionNoticeTrace, sanctionNoticeParent] = traceOf(sanctionNotice);
    const [penaltyNoticeTrace, penaltyNoticeParent] = traceOf(penaltyNotice);
    expect([detectedTrace, assessedTrace, imposedTrace, sanctionNoticeTrace, penaltyNoticeTrace]).toEqual(Array(5).fill(traceId));

    // A span in every service, each continuing the one that published what it consumed.
    const one = async (predicate: (s: ReceivedSpan) => boolean) => {
      const [span] = await receiver.waitFor(traceId, predicate);
      return span;
    };
    const server = await one((s) => s.service === 'api' && s.kind === SPAN_KIND.SERVER);
    expect(server).toMatchObject({ name: 'POST /v1/violations', parentSpanId: clientSpanId, attributes: { 'http.route': '/v1/violations', 'http.response.status_code': 202 } });
    expect(detectedParent).toBe(server.spanId);

    const scoring = await one((s) => s.service === 'scoring-service' && s.name === `${Topics.ViolationsDetectedV1} process`);
    expect(scoring).toMatchObject({ kind: SPAN_KIND.CONSUMER, parentSpanId: server.spanId, attributes: { 'messaging.message.id': violation.id, 'penalty.merchant_id': merchantId } });
    expect(assessedParent).toBe(scoring.spanId);

    const sanction = await one((s) => s.service === 'sanction-service' && s.name === `${Topics.PenaltiesAssessedV1} process`);
    expect(sanction).toMatchObject({ kind: SPAN_KIND.CONSUMER, parentSpanId: scoring.spanId, attributes: { 'messaging.message.id': assessed.json!.id } });
    expect(imposedParent).toBe(sanction.spanId);

    const notifySanction = await one((s) => s.service === 'notification-service' && s.attributes['messaging.message.id'] === imposed.json!.id);
    expect(notifySanction).toMatchObject({ kind: SPAN_KIND.CONSUMER, parentSpanId: sanction.spanId });
    expect(sanctionNoticeParent).toBe(notifySanction.spanId);
    const notifyPenalty = await one((s) => s.service === 'notification-service' && s.attributes['messaging.message.id'] === assessed.json!.id);
    expect(notifyPenalty).toMatchObject({ kind: SPAN_KIND.CONSUMER, parentSpanId: scoring.spanId });
    expect(penaltyNoticeParent).toBe(notifyPenalty.spanId);
    expect(receiver.errors).toEqual([]);

    // The scoring service's log line for the batch carries the trace and the merchant.
    const batchLogs = stack.service('scoring-service').logs().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)).filter((entry) => entry.context === 'TransactionalInbox' && entry.trace_id === traceId);
    expect(batchLogs).toContainEqual(expect.objectContaining({ level: 'debug', service: 'scoring-service', msg: 'batch applied', topic: Topics.ViolationsDetectedV1, merchant_id: merchantId, span_id: scoring.spanId, applied: 1 }));

    // The request is counted in the api's HTTP metrics.
    const metrics = await (await fetch(`${stack.service('api').baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/penalty_http_requests_total\{method="POST",route="\/v1\/violations",status="202",service="api"\} [1-9]/);
    expect(metrics).toMatch(/penalty_http_request_duration_seconds_count\{[^}]*method="POST",route="\/v1\/violations",status="202"[^}]*\} [1-9]/);
  });

  it('writes JSON log lines with the service name', () => {
    for (const [app, service] of stack.services) {
      const lines = service.logs().split('\n').filter((line) => line.startsWith('{'));
      expect(lines.length).toBeGreaterThan(0);
      const started = lines.map((line) => JSON.parse(line)).find((entry) => entry.context === 'bootstrap');
      expect(started).toMatchObject({ level: 'info', service: app, msg: expect.stringContaining('listening on') });
    }
  });
});

/**
 * Without an OTLP endpoint no span is made, and the trace context received is still carried on, as
 * the contract requires: the violation is published with the client's traceparent as it came, and
 * its assessment continues the same trace.
 */
describe('trace context without an exporter (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({ apps: ['api', 'scoring-service'] });
  let recorder: TopicRecorder;

  beforeAll(async () => {
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, [stack.topic(Topics.ViolationsDetectedV1), stack.topic(Topics.PenaltiesAssessedV1)]);
    await recorder.start();
  }, 300_000);

  afterAll(async () => {
    await recorder?.stop();
    await stack.stop();
  });

  it('publishes the client’s traceparent with the violation and the same trace id with its assessment', async () => {
    const merchantId = aMerchantId('untraced');
    const traceparent = `00-${hex(16)}-${hex(8)}-01`;
    const response = await fetch(`${stack.service('api').baseUrl}/v1/violations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey, traceparent },
      body: JSON.stringify(aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR' })),
    });
    expect(response.status).toBe(202);
    const [detected] = await recorder.waitFor((m) => m.topic === stack.topic(Topics.ViolationsDetectedV1) && m.key === merchantId);
    expect(detected.headers.traceparent).toBe(traceparent);
    expect(detected.json!.traceparent).toBe(traceparent);
    const [assessed] = await recorder.waitFor((m) => m.topic === stack.topic(Topics.PenaltiesAssessedV1) && m.key === merchantId);
    expect(traceOf(assessed)[0]).toBe(parts(traceparent)[0]);

    // A violation published on Kafka with the tracing extension only (no header) is continued too.
    const kafkaMerchant = aMerchantId('kafka-traced');
    const fromKafka = `00-${hex(16)}-${hex(8)}-01`;
    const withExtension = { ...aViolationEvent({ merchantId: kafkaMerchant, code: 'DELAYED_SHIPMENT', severity: 'MINOR' }), traceparent: fromKafka };
    await stack.publish(Topics.ViolationsDetectedV1, [withExtension]);
    const [assessedFromKafka] = await recorder.waitFor((m) => m.topic === stack.topic(Topics.PenaltiesAssessedV1) && m.key === kafkaMerchant);
    expect(traceOf(assessedFromKafka)[0]).toBe(parts(fromKafka)[0]);
  });

  it('publishes no traceparent for a violation that came without one', async () => {
    const merchantId = aMerchantId('no-trace');
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR' })]);
    const [assessed] = await recorder.waitFor((m) => m.topic === stack.topic(Topics.PenaltiesAssessedV1) && m.key === merchantId);
    expect(assessed.headers.traceparent).toBeUndefined();
    expect(assessed.json).not.toHaveProperty('traceparent');
  });
});

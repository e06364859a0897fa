// A small demo feed: two merchant profiles over Kafka, then violations over the HTTP intake, enough
// to reach the 12- and 24-point nodes for one merchant (whose fines empty the deposit and open a
// top-up window) and, for the other, use a self-check chance and open a forgery case. Built, validated
// and sent with the SDK (@penalty/sdk), as a platform system would.
import 'reflect-metadata';
import { logLevel } from 'kafkajs';
import { createKafkaClient } from '@penalty/messaging';
import { KafkaEventProducer, merchantProfileEvent, PenaltyApiError, PenaltyHttpClient, violationDetectedEvent } from '@penalty/sdk';

const api = process.env.API_URL ?? 'http://127.0.0.1:3000';
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const namespace = process.env.TOPIC_NAMESPACE ?? '';
// The demo posts as a platform system would: with an API key allowed to report violations.
const apiKey = process.env.API_KEY ?? '';

async function main(): Promise<void> {
  // Stable ids: running the demo again is a redelivery, which the platform applies once.
  const source = 'demo-feed';
  const producer = new KafkaEventProducer(createKafkaClient({ clientId: 'demo-feed', brokers, logLevel: logLevel.NOTHING }), { topicPrefix: namespace });
  try {
    await producer.send([
      merchantProfileEvent({ merchantId: 'demo-m-1001', storeType: 'FLAGSHIP', trademarkStatus: 'R', categories: [], examEligible: true, contact: { email: 'owner@demo-m-1001.example' } }, { source, id: 'demo-profile-1001' }),
      merchantProfileEvent({ merchantId: 'demo-m-1002', storeType: 'FRANCHISE', trademarkStatus: 'TM', categories: [], examEligible: false }, { source, id: 'demo-profile-1002' }),
    ]);
  } finally {
    await producer.disconnect();
  }

  const client = new PenaltyHttpClient({ baseUrl: api, apiKey });
  const violations = [
    ['demo-m-1001', 'COUNTERFEIT_GOODS', 'STANDARD', undefined],
    ['demo-m-1001', 'DELAYED_SHIPMENT', 'MINOR', undefined],
    ['demo-m-1001', 'FRAUD', 'STANDARD', undefined],
    ['demo-m-1002', 'INFORMATION_ABUSE', 'STANDARD', 'AD_INFO'],
    ['demo-m-1002', 'INFORMATION_ABUSE', 'STANDARD', 'AD_INFO'],
    // Opens a forgery case with a 15-day remediation window (rule version 2022-06-27).
    ['demo-m-1002', 'QUALIFICATION_FORGERY', 'STANDARD', undefined],
  ] as const;
  for (const [index, [merchantId, code, severity, scenario]] of violations.entries()) {
    const event = violationDetectedEvent(
      {
        violationId: `demo-violation-${index + 1}`, merchantId, code, severity, ...(scenario ? { scenario } : {}),
        occurredAt: new Date().toISOString().replace('Z', '+00:00'), detectedBy: source, itemIds: ['demo-item-1'], itemAction: 'DELIST',
      },
      { source, id: `demo-event-${index + 1}` },
    );
    // A refusal is shown and the feed goes on, as before (the SDK has already retried 429/503).
    const outcome = await client.reportViolation(event).then(
      ({ status }) => `202 ${status}`,
      (error: unknown) => {
        if (error instanceof PenaltyApiError) return `${error.status} ${error.problem?.code ?? ''}`;
        throw error;
      },
    );
    console.log(`POST ${merchantId} ${code}${scenario ? `/${scenario}` : ''} ${severity}: ${outcome}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

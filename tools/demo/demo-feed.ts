// A small demo feed: two merchant profiles over Kafka, then violations over the HTTP intake, enough
// to reach the 12- and 24-point nodes for one merchant (whose fines empty the deposit and open a
// top-up window) and, for the other, use a self-check chance and open a forgery case.
import 'reflect-metadata';
import { logLevel } from 'kafkajs';
import { createKafkaClient } from '@penalty/messaging';

const api = process.env.API_URL ?? 'http://127.0.0.1:3000';
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const namespace = process.env.TOPIC_NAMESPACE ?? '';
// The demo posts as a platform system would: with an API key allowed to report violations.
const apiKey = process.env.API_KEY ?? '';

// Stable ids: running the demo again is a redelivery, which the platform applies once.
function event(id: string, type: string, merchantId: string, data: Record<string, unknown>) {
  return { specversion: '1.0', id, source: 'demo-feed', type, time: new Date().toISOString(), subject: merchantId, datacontenttype: 'application/json', data };
}

async function main(): Promise<void> {
  const kafka = createKafkaClient({ clientId: 'demo-feed', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const profiles = [
    event('demo-profile-1001', 'merchant.profile.updated.v1', 'demo-m-1001', { merchantId: 'demo-m-1001', storeType: 'FLAGSHIP', trademarkStatus: 'R', categories: [], examEligible: true, contact: { email: 'owner@demo-m-1001.example' } }),
    event('demo-profile-1002', 'merchant.profile.updated.v1', 'demo-m-1002', { merchantId: 'demo-m-1002', storeType: 'FRANCHISE', trademarkStatus: 'TM', categories: [], examEligible: false }),
  ];
  await producer.send({ topic: `${namespace}merchants.profiles.v1`, messages: profiles.map((p) => ({ key: p.subject, value: JSON.stringify(p) })) });
  await producer.disconnect();

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
    const body = event(`demo-event-${index + 1}`, 'violation.detected.v1', merchantId, {
      violationId: `demo-violation-${index + 1}`, merchantId, code, severity, ...(scenario ? { scenario } : {}),
      occurredAt: new Date().toISOString().replace('Z', '+00:00'), detectedBy: 'demo-feed', itemIds: ['demo-item-1'], itemAction: 'DELIST',
    });
    const response = await fetch(`${api}/v1/violations`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', 'x-api-key': apiKey }, body: JSON.stringify(body) });
    console.log(`POST ${merchantId} ${code}${scenario ? `/${scenario}` : ''} ${severity}: ${response.status} ${((await response.json()) as { status?: string }).status ?? ''}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

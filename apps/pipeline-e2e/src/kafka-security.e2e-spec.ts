import { Topics } from '@penalty/contracts';
import { createKafkaClient, type KafkaSecurity } from '@penalty/messaging';
import { aMerchantId, aViolationEvent, freePort, PipelineStack, ServiceProcess, startSecureKafka, TopicRecorder, type LocalKafka } from '@penalty/testing';

/**
 * The platform's Kafka security settings against a real broker that only speaks SASL_SSL
 * (scripts/infra/kafka-secure.sh: TLS with a certificate of a local CA made by keytool, SCRAM
 * credentials created at format time): the scoring service, configured only by its environment
 * (KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SASL_MECHANISM=SCRAM-SHA-512, KAFKA_SASL_USERNAME,
 * KAFKA_SASL_PASSWORD_FILE), consumes violations through its inbox and publishes assessments through
 * its outbox; wrong credentials, an untrusted certificate and PLAINTEXT are refused, with clear errors.
 */
describe('Kafka over SASL_SSL with SCRAM-SHA-512 (real broker)', () => {
  let kafka: LocalKafka;
  let stack: PipelineStack;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    kafka = await startSecureKafka();
    stack = new PipelineStack({ apps: ['scoring-service'], kafka });
    await stack.start();
    recorder = new TopicRecorder(kafka.brokers, [stack.topic(Topics.PenaltiesAssessedV1)], kafka.security);
    await recorder.start();
  }, 300_000);

  afterAll(async () => {
    await recorder?.stop();
    await stack?.stop();
  });

  /** A client's first request: connecting an admin and listing topics. */
  const connectWith = async (security: KafkaSecurity): Promise<void> => {
    const admin = createKafkaClient({ clientId: 'security-test', brokers: kafka.brokers.split(','), security, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  };

  it('runs a service over TLS and SCRAM-SHA-512: violations in through the inbox, assessments out through the outbox', async () => {
    const merchantId = aMerchantId('tls');
    const violations = [1, 2, 3].map(() => aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR' }));
    await stack.publish(Topics.ViolationsDetectedV1, violations);

    const assessed = await recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'penalty.assessed.v1', 3, 60_000);
    expect(assessed.map((m) => m.json!.data.violationId).sort()).toEqual(violations.map((v) => v.data.violationId).sort());
    const logs = stack.service('scoring-service').logs();
    expect(logs).toContain(`scoring-service → ${kafka.brokers} over SASL_SSL, SCRAM-SHA-512 as ${kafka.env.KAFKA_SASL_USERNAME}, own CA`);
    expect(logs).not.toMatch(/authentication failed|certificate/i);
    expect(logs).not.toContain((kafka.security.sasl as { password: string }).password);
  });

  it('refuses a wrong password with an authentication error that says so', async () => {
    const sasl = { mechanism: 'scram-sha-512' as const, username: kafka.env.KAFKA_SASL_USERNAME, password: 'not-the-password' };
    await expect(connectWith({ ...kafka.security, sasl })).rejects.toThrow(/SASL SCRAM SHA512 authentication failed: .*invalid credentials/);
  });

  it('refuses a user SCRAM-SHA-256 does not know with those credentials, and accepts SCRAM-SHA-256 and PLAIN with the right ones', async () => {
    const password = (kafka.security.sasl as { password: string }).password;
    await expect(connectWith({ ...kafka.security, sasl: { mechanism: 'scram-sha-256', username: 'nobody', password } })).rejects.toThrow(/authentication failed/);
    await expect(connectWith({ ...kafka.security, sasl: { mechanism: 'scram-sha-256', username: kafka.env.KAFKA_SASL_USERNAME, password } })).resolves.toBeUndefined();
    await expect(connectWith({ ...kafka.security, sasl: { mechanism: 'plain', username: kafka.env.KAFKA_SASL_USERNAME, password } })).resolves.toBeUndefined();
  });

  it('refuses a broker certificate that does not chain to the configured CA (here: Node’s public CAs), and a PLAINTEXT client', async () => {
    await expect(connectWith({ ssl: { rejectUnauthorized: true }, sasl: kafka.security.sasl })).rejects.toThrow(/self[- ]signed certificate|unable to verify|certificate/i);
    await expect(connectWith({})).rejects.toThrow();
  });

  it('a service with a wrong password stops at start with the broker’s reason; one without a username names the variable', async () => {
    const env = {
      ...kafka.env,
      DATABASE_URL: stack.databaseUrl,
      TOPIC_NAMESPACE: stack.namespace,
      AUTH_SESSION_SECRET: stack.sessionSecret,
    };
    const wrong = new ServiceProcess('scoring-service', await freePort(), { ...env, KAFKA_SASL_PASSWORD_FILE: '', KAFKA_SASL_PASSWORD: 'not-the-password' });
    await expect(wrong.start(60_000)).rejects.toThrow(/exited with 1[\s\S]*startup failed: .*SASL SCRAM SHA512 authentication failed/);

    const anonymous = new ServiceProcess('scoring-service', await freePort(), { ...env, KAFKA_SASL_USERNAME: '' });
    await expect(anonymous.start(60_000)).rejects.toThrow(/exited with 1[\s\S]*KAFKA_SASL_USERNAME: is required with KAFKA_SASL_MECHANISM=SCRAM-SHA-512/);
  });
});

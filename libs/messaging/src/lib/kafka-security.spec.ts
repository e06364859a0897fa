import { ConfigError } from '@penalty/runtime';
import { logLevel } from 'kafkajs';
import { kafkaClientConfig } from './kafka-connection';
import { describeKafkaSecurity, loadKafkaSecurity, type ReadConfigFile } from './kafka-security';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const files: Record<string, string> = {
  '/etc/kafka/ca.pem': PEM,
  '/etc/kafka/client.pem': PEM,
  '/etc/kafka/client.key': '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
  '/etc/kafka/not-a-cert.txt': 'hello',
  '/run/secrets/kafka-user': 'svc-scoring\n',
  '/run/secrets/kafka-password': 's3cr3t\n',
  '/run/secrets/empty': '\n',
};
const readFile: ReadConfigFile = (path) => {
  if (!(path in files)) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
  return Buffer.from(files[path]);
};
const load = (env: Record<string, string>) => loadKafkaSecurity(env, readFile);
const problemsOf = (env: Record<string, string>): string => {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('loadKafkaSecurity', () => {
  it('is PLAINTEXT when nothing is set (the local broker)', () => {
    expect(load({})).toEqual({});
    expect(load({ KAFKA_SSL: 'false', KAFKA_SASL_MECHANISM: '' })).toEqual({});
    expect(describeKafkaSecurity(load({}))).toBe('PLAINTEXT');
  });

  it('turns on TLS with the system CAs, or a CA file, always verifying the certificate', () => {
    expect(load({ KAFKA_SSL: 'true' })).toEqual({ ssl: { rejectUnauthorized: true } });
    const { ssl } = load({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem', KAFKA_SSL_SERVERNAME: 'kafka.internal' });
    expect(ssl).toEqual({ rejectUnauthorized: true, ca: [Buffer.from(PEM)], servername: 'kafka.internal' });
  });

  it('takes a client certificate and key for mutual TLS, both or neither', () => {
    const { ssl } = load({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem', KAFKA_SSL_KEY_FILE: '/etc/kafka/client.key', KAFKA_SSL_KEY_PASSWORD: 'pw' });
    expect(ssl).toMatchObject({ cert: Buffer.from(PEM), key: Buffer.from(files['/etc/kafka/client.key']), passphrase: 'pw' });
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem' })).toContain('KAFKA_SSL_KEY_FILE: is required with KAFKA_SSL_CERT_FILE');
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: '/etc/kafka/client.key' })).toContain('KAFKA_SSL_CERT_FILE: is required with KAFKA_SSL_KEY_FILE');
  });

  it('refuses a CA file it cannot read, or one that holds no certificate, naming the variable and the path', () => {
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/kafka/missing.pem' })).toContain('KAFKA_SSL_CA_FILE: cannot read /etc/kafka/missing.pem (ENOENT)');
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/kafka/not-a-cert.txt' })).toContain('KAFKA_SSL_CA_FILE: /etc/kafka/not-a-cert.txt holds no PEM certificate');
  });

  it('refuses TLS settings without KAFKA_SSL=true, and a KAFKA_SSL that is not a boolean', () => {
    expect(problemsOf({ KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' })).toContain('KAFKA_SSL_CA_FILE: is set but KAFKA_SSL is not true');
    expect(problemsOf({ KAFKA_SSL: 'sometimes' })).toContain('KAFKA_SSL: must be true or false, got "sometimes"');
  });

  it.each([
    ['PLAIN', 'plain'],
    ['SCRAM-SHA-256', 'scram-sha-256'],
    ['scram-sha-512', 'scram-sha-512'],
  ])('takes SASL %s with a username and password', (given, mechanism) => {
    const security = load({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: given, KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' });
    expect(security.sasl).toEqual({ mechanism, username: 'svc', password: 'pw' });
    expect(describeKafkaSecurity(security)).toBe(`SASL_SSL, ${mechanism.toUpperCase()} as svc`);
  });

  it('reads the credentials from files (a mounted Secret), without the trailing newline', () => {
    const { sasl } = load({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME_FILE: '/run/secrets/kafka-user', KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka-password' });
    expect(sasl).toEqual({ mechanism: 'scram-sha-512', username: 'svc-scoring', password: 's3cr3t' });
  });

  it('refuses a mechanism without a username or password, naming each missing variable', () => {
    const message = problemsOf({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512' });
    expect(message).toContain('KAFKA_SASL_USERNAME: is required with KAFKA_SASL_MECHANISM=SCRAM-SHA-512');
    expect(message).toContain('KAFKA_SASL_PASSWORD: is required with KAFKA_SASL_MECHANISM=SCRAM-SHA-512');
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'svc' })).not.toContain('KAFKA_SASL_USERNAME');
  });

  it('refuses an unknown mechanism, PLAIN without TLS, credentials without a mechanism, a value and a file at once, an empty or unreadable file', () => {
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'GSSAPI', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toContain('KAFKA_SASL_MECHANISM: must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got "GSSAPI"');
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toContain('KAFKA_SASL_MECHANISM: PLAIN sends the password as it is; it needs KAFKA_SSL=true');
    expect(problemsOf({ KAFKA_SASL_USERNAME: 'u' })).toContain('KAFKA_SASL_USERNAME: is set but KAFKA_SASL_MECHANISM is not');
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka-password' })).toContain(
      'KAFKA_SASL_PASSWORD: set either KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both',
    );
    const empty = problemsOf({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD_FILE: '/run/secrets/empty' });
    expect(empty).toContain('KAFKA_SASL_PASSWORD_FILE: /run/secrets/empty is empty');
    expect(empty).not.toContain('KAFKA_SASL_PASSWORD: is required');
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD_FILE: '/nope' })).toContain('KAFKA_SASL_PASSWORD_FILE: cannot read /nope (ENOENT)');
  });

  it('reports every problem at once', () => {
    const message = problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/missing', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256' });
    expect(message.split('\n')).toEqual([
      'Invalid configuration:',
      '  KAFKA_SSL_CA_FILE: cannot read /missing (ENOENT)',
      '  KAFKA_SASL_USERNAME: is required with KAFKA_SASL_MECHANISM=SCRAM-SHA-256 (or KAFKA_SASL_USERNAME_FILE)',
      '  KAFKA_SASL_PASSWORD: is required with KAFKA_SASL_MECHANISM=SCRAM-SHA-256 (or KAFKA_SASL_PASSWORD_FILE)',
    ]);
  });
});

describe('kafkaClientConfig', () => {
  it('carries the security into the kafkajs configuration', () => {
    const security = load({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' });
    expect(kafkaClientConfig({ clientId: 'c', brokers: ['b:9093'], security, logLevel: logLevel.WARN })).toEqual({
      clientId: 'c',
      brokers: ['b:9093'],
      logLevel: logLevel.WARN,
      ssl: { rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 'pw' },
    });
    expect(kafkaClientConfig({ clientId: 'c', brokers: ['b:9092'], security: {} })).toEqual({ clientId: 'c', brokers: ['b:9092'], logLevel: logLevel.NOTHING });
  });
});

import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { ConfigError } from '@penalty/runtime';

/** SASL mechanisms a managed Kafka offers and kafkajs speaks (no GSSAPI, no OAUTHBEARER here). */
export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/**
 * How a client reaches the brokers: TLS (with the CA and, for mutual TLS, a client certificate) and
 * SASL credentials, in the shape kafkajs takes them. Both absent: PLAINTEXT (the local broker).
 */
export interface KafkaSecurity {
  ssl?: ConnectionOptions;
  sasl?: SASLOptions;
}

/** Reads a file the configuration names; injected by the unit tests. */
export type ReadConfigFile = (path: string) => Buffer;

const TRUE = /^(true|1|yes)$/i;
const FALSE = /^(false|0|no)$/i;

/**
 * The Kafka security settings of the environment, validated: every problem is collected and thrown as
 * one ConfigError naming the variables, so a service refuses to start instead of failing on its first
 * connection. Files (CA, certificate, key, secrets) are read here, once, at boot.
 *
 *   KAFKA_SSL=true                      TLS to the brokers (SASL_SSL or SSL listeners)
 *   KAFKA_SSL_CA_FILE                   PEM CA bundle the brokers' certificates chain to (default: Node's CAs)
 *   KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE   PEM client certificate and key (mutual TLS), both or neither
 *   KAFKA_SSL_KEY_PASSWORD[_FILE]       passphrase of an encrypted key
 *   KAFKA_SSL_SERVERNAME                name checked in the brokers' certificates (SNI), when not the host
 *   KAFKA_SASL_MECHANISM                PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
 *   KAFKA_SASL_USERNAME[_FILE], KAFKA_SASL_PASSWORD[_FILE]   the credentials (value or a file holding it)
 */
export function loadKafkaSecurity(env: Record<string, string | undefined> = process.env, readFile: ReadConfigFile = readFileSync): KafkaSecurity {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const read = (name: string): Buffer | undefined => {
    const path = value(name);
    if (path === undefined) return undefined;
    try {
      return readFile(path);
    } catch (error) {
      problems.push(`${name}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return undefined;
    }
  };
  /** A secret given either inline (NAME) or as a file (NAME_FILE, e.g. a mounted Secret), never both. */
  const secret = (name: string): string | undefined => {
    const inline = value(name);
    if (inline !== undefined && value(`${name}_FILE`) !== undefined) {
      problems.push(`${name}: set either ${name} or ${name}_FILE, not both`);
      return undefined;
    }
    if (inline !== undefined) return inline;
    const file = read(`${name}_FILE`);
    if (file === undefined) return undefined;
    // A mounted Secret or an `echo` into a file usually ends with a newline that is not part of it.
    const text = file.toString('utf8').replace(/\r?\n$/, '');
    if (text === '') problems.push(`${name}_FILE: ${value(`${name}_FILE`)} is empty`);
    return text === '' ? undefined : text;
  };

  const sslFlag = value('KAFKA_SSL');
  if (sslFlag !== undefined && !TRUE.test(sslFlag) && !FALSE.test(sslFlag)) problems.push(`KAFKA_SSL: must be true or false, got "${sslFlag}"`);
  const sslOn = sslFlag !== undefined && TRUE.test(sslFlag);

  let ssl: ConnectionOptions | undefined;
  const sslVariables = ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE', 'KAFKA_SSL_KEY_PASSWORD', 'KAFKA_SSL_KEY_PASSWORD_FILE', 'KAFKA_SSL_SERVERNAME'];
  if (sslOn) {
    const ca = read('KAFKA_SSL_CA_FILE');
    if (ca && !ca.toString('utf8').includes('-----BEGIN CERTIFICATE-----')) problems.push(`KAFKA_SSL_CA_FILE: ${value('KAFKA_SSL_CA_FILE')} holds no PEM certificate`);
    const hasCert = value('KAFKA_SSL_CERT_FILE') !== undefined;
    const hasKey = value('KAFKA_SSL_KEY_FILE') !== undefined;
    if (hasCert !== hasKey) problems.push(hasCert ? 'KAFKA_SSL_KEY_FILE: is required with KAFKA_SSL_CERT_FILE (mutual TLS needs both)' : 'KAFKA_SSL_CERT_FILE: is required with KAFKA_SSL_KEY_FILE (mutual TLS needs both)');
    const cert = read('KAFKA_SSL_CERT_FILE');
    const key = read('KAFKA_SSL_KEY_FILE');
    const passphrase = secret('KAFKA_SSL_KEY_PASSWORD');
    if (passphrase !== undefined && !hasKey) problems.push('KAFKA_SSL_KEY_PASSWORD: is set but KAFKA_SSL_KEY_FILE is not');
    const servername = value('KAFKA_SSL_SERVERNAME');
    // Certificates are always verified: a managed cluster's chain is public or given by KAFKA_SSL_CA_FILE.
    ssl = { rejectUnauthorized: true, ...(ca && { ca: [ca] }), ...(cert && { cert }), ...(key && { key }), ...(passphrase && { passphrase }), ...(servername && { servername }) };
  } else {
    for (const name of sslVariables) if (value(name) !== undefined) problems.push(`${name}: is set but KAFKA_SSL is not true`);
  }

  let sasl: SASLOptions | undefined;
  const mechanismValue = value('KAFKA_SASL_MECHANISM');
  if (mechanismValue !== undefined) {
    const mechanism = mechanismValue.toLowerCase() as KafkaSaslMechanism;
    if (!KAFKA_SASL_MECHANISMS.includes(mechanism)) {
      problems.push(`KAFKA_SASL_MECHANISM: must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got "${mechanismValue}"`);
    } else if (mechanism === 'plain' && !sslOn) {
      problems.push('KAFKA_SASL_MECHANISM: PLAIN sends the password as it is; it needs KAFKA_SSL=true');
    }
    const username = secret('KAFKA_SASL_USERNAME');
    const password = secret('KAFKA_SASL_PASSWORD');
    if (username === undefined && !problems.some((p) => p.startsWith('KAFKA_SASL_USERNAME'))) problems.push(`KAFKA_SASL_USERNAME: is required with KAFKA_SASL_MECHANISM=${mechanismValue} (or KAFKA_SASL_USERNAME_FILE)`);
    if (password === undefined && !problems.some((p) => p.startsWith('KAFKA_SASL_PASSWORD'))) problems.push(`KAFKA_SASL_PASSWORD: is required with KAFKA_SASL_MECHANISM=${mechanismValue} (or KAFKA_SASL_PASSWORD_FILE)`);
    if (username !== undefined && password !== undefined && KAFKA_SASL_MECHANISMS.includes(mechanism)) sasl = { mechanism, username, password } as SASLOptions;
  } else {
    for (const name of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_USERNAME_FILE', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE']) {
      if (value(name) !== undefined) problems.push(`${name}: is set but KAFKA_SASL_MECHANISM is not`);
    }
  }

  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return { ...(ssl && { ssl }), ...(sasl && { sasl }) };
}

/** What the security settings amount to, for a startup log line (never a secret). */
export function describeKafkaSecurity(security: KafkaSecurity): string {
  const protocol = security.ssl ? (security.sasl ? 'SASL_SSL' : 'SSL') : security.sasl ? 'SASL_PLAINTEXT' : 'PLAINTEXT';
  const parts = [protocol];
  if (security.sasl) parts.push(`${security.sasl.mechanism.toUpperCase()} as ${(security.sasl as { username: string }).username}`);
  if (security.ssl?.ca) parts.push('own CA');
  if (security.ssl?.cert) parts.push('client certificate');
  return parts.join(', ');
}

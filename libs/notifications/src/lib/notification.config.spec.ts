import { ConfigError, loadConfig } from '@penalty/runtime';
import { NotificationConfig } from './notification.config';

describe('NotificationConfig', () => {
  const base = { KAFKA_BROKERS: '127.0.0.1:9092', DATABASE_URL: 'postgres://u:p@h:5432/db', HTTP_PORT: '3003' };

  it('loads the webhook settings with defaults', () => {
    const config = loadConfig(NotificationConfig, { ...base, WEBHOOK_SIGNING_SECRET: '0123456789abcdef' });
    expect(config.WEBHOOK_SIGNING_SECRET).toBe('0123456789abcdef');
    expect(config.WEBHOOK_TIMEOUT_MS).toBe(5000);
    expect(config.WEBHOOK_POLL_MS).toBe(30_000);
    expect(config.WEBHOOK_MAX_ATTEMPTS).toBeUndefined();
    expect(config.HTTP_PORT).toBe(3003);
  });

  it('reads the retry overrides as numbers', () => {
    const config = loadConfig(NotificationConfig, { ...base, WEBHOOK_SIGNING_SECRET: '0123456789abcdef', WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_RETRY_BASE_MS: '50' });
    expect(config.WEBHOOK_MAX_ATTEMPTS).toBe(3);
    expect(config.WEBHOOK_RETRY_BASE_MS).toBe(50);
  });

  it.each([
    [{}, 'WEBHOOK_SIGNING_SECRET'],
    [{ WEBHOOK_SIGNING_SECRET: 'too-short' }, 'WEBHOOK_SIGNING_SECRET'],
    [{ WEBHOOK_SIGNING_SECRET: '0123456789abcdef', WEBHOOK_MAX_ATTEMPTS: '0' }, 'WEBHOOK_MAX_ATTEMPTS'],
    [{ WEBHOOK_SIGNING_SECRET: '0123456789abcdef', WEBHOOK_RETRY_BASE_MS: 'soon' }, 'WEBHOOK_RETRY_BASE_MS'],
  ])('stops at boot naming the bad variable (%p)', (env, name) => {
    expect(() => loadConfig(NotificationConfig, { ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig(NotificationConfig, { ...base, ...env })).toThrow(name);
  });
});

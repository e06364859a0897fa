import { ConfigError, loadConfig, ServiceConfig } from './service-config';

describe('loadConfig', () => {
  const valid = { KAFKA_BROKERS: '127.0.0.1:9092', DATABASE_URL: 'postgres://u:p@h:5432/db', HTTP_PORT: '3001' };

  it('returns typed values with defaults filled in', () => {
    const config = loadConfig(ServiceConfig, valid);
    expect(config.HTTP_PORT).toBe(3001);
    expect(config.TOPIC_PARTITIONS).toBe(6);
    expect(config.TOPIC_NAMESPACE).toBe('');
  });

  it('names every missing or malformed variable', () => {
    expect(() => loadConfig(ServiceConfig, { KAFKA_BROKERS: 'nohostport', HTTP_PORT: 'x' })).toThrow(ConfigError);
    try {
      loadConfig(ServiceConfig, { KAFKA_BROKERS: 'nohostport', HTTP_PORT: 'x' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('KAFKA_BROKERS');
      expect(message).toContain('DATABASE_URL');
      expect(message).toContain('HTTP_PORT');
    }
  });
});

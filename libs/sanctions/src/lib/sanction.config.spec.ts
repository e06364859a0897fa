import { ConfigError, loadConfig } from '@penalty/runtime';
import { SanctionConfig } from './sanction.config';

const base = { KAFKA_BROKERS: 'localhost:9092', DATABASE_URL: 'postgres://x', HTTP_PORT: '3002' };

describe('SanctionConfig', () => {
  it('bounds a deposit payment at 10,000,000 CNY unless configured', () => {
    expect(loadConfig(SanctionConfig, base).DEPOSIT_PAYMENT_MAX_FEN).toBe(1_000_000_000);
    expect(loadConfig(SanctionConfig, { ...base, DEPOSIT_PAYMENT_MAX_FEN: '500' }).DEPOSIT_PAYMENT_MAX_FEN).toBe(500);
  });

  it.each(['0', '1.5', 'lots', String(Number.MAX_SAFE_INTEGER + 1)])('stops at boot naming DEPOSIT_PAYMENT_MAX_FEN=%s', (value) => {
    expect(() => loadConfig(SanctionConfig, { ...base, DEPOSIT_PAYMENT_MAX_FEN: value })).toThrow(ConfigError);
    expect(() => loadConfig(SanctionConfig, { ...base, DEPOSIT_PAYMENT_MAX_FEN: value })).toThrow(/DEPOSIT_PAYMENT_MAX_FEN/);
  });
});

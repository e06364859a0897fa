import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { context, trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { createJsonLogger, JsonLoggerService, LoggingConfig } from './logging';
import { ConfigError, loadConfig } from './service-config';
import { extractTrace, startTracing, withMerchantId } from './tracing';

/** A logger writing into `lines` (one parsed JSON object per line). */
function capture(level = 'info'): { service: JsonLoggerService; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { service: new JsonLoggerService(createJsonLogger('scoring-service', loadConfig(LoggingConfig, { LOG_LEVEL: level }), sink)), lines };
}

describe('JSON logs', () => {
  beforeAll(() => startTracing('scoring-service', {}));

  it('writes one JSON object per line with level, time, service, context and message', () => {
    const { service, lines } = capture();
    service.log('listening on :3001', 'bootstrap');
    expect(lines).toEqual([expect.objectContaining({ level: 'info', service: 'scoring-service', context: 'bootstrap', msg: 'listening on :3001' })]);
    expect(Date.parse(lines[0].time)).not.toBeNaN();
    expect(lines[0]).not.toHaveProperty('trace_id');
  });

  it('carries the trace id, span id and merchant id of the active context', () => {
    const { service, lines } = capture();
    const traced = withMerchantId(extractTrace({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })!, 'm-1');
    context.with(traced, () => service.warn('slow batch', 'KafkaBatchTransport'));
    expect(lines[0]).toMatchObject({ level: 'warn', trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331', merchant_id: 'm-1', msg: 'slow batch' });
    expect(trace.getSpanContext(ROOT_CONTEXT)).toBeUndefined();
  });

  it('keeps the fields of an object logged, and an error’s stack', () => {
    const { service, lines } = capture();
    service.warn({ msg: 'Connection timeout', namespace: 'Connection', broker: 'b1:9092' }, 'kafkajs');
    service.error('publication failed', 'Error: boom\n    at x (y.ts:1:1)', 'TransactionRunner');
    expect(lines[0]).toMatchObject({ level: 'warn', context: 'kafkajs', msg: 'Connection timeout', namespace: 'Connection', broker: 'b1:9092' });
    expect(lines[1]).toMatchObject({ level: 'error', context: 'TransactionRunner', msg: 'publication failed', stack: 'Error: boom\n    at x (y.ts:1:1)' });
  });

  it('receives what Nest’s Logger instances write once it is the app’s logger', () => {
    const { service, lines } = capture();
    Logger.overrideLogger(service);
    try {
      new Logger('OutboxPublisher').error('the broker refused a message');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(lines).toEqual([expect.objectContaining({ level: 'error', context: 'OutboxPublisher', msg: 'the broker refused a message' })]);
  });

  it('writes nothing below LOG_LEVEL; accepts Nest’s names (log, verbose) and refuses others at boot', () => {
    const { service, lines } = capture('warn');
    service.log('not written');
    service.debug('not written');
    service.error('written');
    expect(lines.map((l) => l.msg)).toEqual(['written']);
    expect(loadConfig(LoggingConfig, { LOG_LEVEL: 'log' }).LOG_LEVEL).toBe('log');
    const verbose = capture('verbose');
    verbose.service.verbose('written at trace');
    expect(verbose.lines[0]).toMatchObject({ level: 'trace' });
    expect(() => loadConfig(LoggingConfig, { LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => loadConfig(LoggingConfig, { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});

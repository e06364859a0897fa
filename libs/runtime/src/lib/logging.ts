import type { LoggerService } from '@nestjs/common';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { IsIn } from 'class-validator';
import pino, { type DestinationStream, type Level, type Logger as Pino } from 'pino';
import { merchantIdOf } from './tracing';

/** LOG_LEVEL: pino's levels, and Nest's names for two of them (log = info, verbose = trace). */
const LEVELS: Record<string, Level | 'silent'> = { fatal: 'fatal', error: 'error', warn: 'warn', info: 'info', log: 'info', debug: 'debug', trace: 'trace', verbose: 'trace', silent: 'silent' };

export class LoggingConfig {
  /** Lowest level written: fatal, error, warn, info (or log), debug, trace (or verbose), silent. */
  @IsIn(Object.keys(LEVELS), { message: `LOG_LEVEL must be one of ${Object.keys(LEVELS).join(', ')}` })
  LOG_LEVEL = 'info';
}

/**
 * One JSON object per line on stdout (pino): `level` (name), `time` (ISO), `service`, `context` (the
 * Nest logger's name), `msg`, and from the active trace context `trace_id`, `span_id` and, where the
 * unit of work is about one merchant, `merchant_id`. Fields of an object logged are kept as fields.
 */
export function createJsonLogger(serviceName: string, config: LoggingConfig, destination?: DestinationStream): Pino {
  return pino(
    {
      level: LEVELS[config.LOG_LEVEL],
      base: { service: serviceName },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceFields,
    },
    // Synchronous stdout by default: the last lines before a crash or process.exit are not lost.
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

function traceFields(): Record<string, string> {
  const active = context.active();
  const fields: Record<string, string> = {};
  const spanContext = trace.getSpanContext(active);
  if (spanContext && isSpanContextValid(spanContext)) {
    fields.trace_id = spanContext.traceId;
    fields.span_id = spanContext.spanId;
  }
  const merchantId = merchantIdOf(active);
  if (merchantId !== undefined) fields.merchant_id = merchantId;
  return fields;
}

type PinoMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's LoggerService over pino, so every `new Logger(name)` of the services (and Nest's own) writes
 * JSON. Nest calls `log(message, context)` and `error(message, stack, context)`; a message may be an
 * object, whose fields are logged as fields (`msg` or `message` as the message).
 */
export class JsonLoggerService implements LoggerService {
  constructor(readonly pino: Pino) {}

  log(message: unknown, ...optional: unknown[]): void {
    this.write('info', message, optional);
  }
  error(message: unknown, ...optional: unknown[]): void {
    this.write('error', message, optional);
  }
  warn(message: unknown, ...optional: unknown[]): void {
    this.write('warn', message, optional);
  }
  debug(message: unknown, ...optional: unknown[]): void {
    this.write('debug', message, optional);
  }
  verbose(message: unknown, ...optional: unknown[]): void {
    this.write('trace', message, optional);
  }
  fatal(message: unknown, ...optional: unknown[]): void {
    this.write('fatal', message, optional);
  }

  private write(level: PinoMethod, message: unknown, optional: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const rest = [...optional];
    const fields: Record<string, unknown> = {};
    // Nest appends the logger's name last.
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') fields.context = rest.pop();
    for (const extra of rest) {
      if (extra instanceof Error) fields.err = extra;
      else if (typeof extra === 'string') fields.stack = extra;
    }
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const { msg, message: text, ...own } = message as Record<string, unknown>;
      this.pino[level]({ ...fields, ...own }, String(msg ?? text ?? ''));
    } else {
      this.pino[level](fields, String(message));
    }
  }
}

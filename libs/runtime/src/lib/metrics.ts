import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process, holding the pipeline metrics every service exports on /metrics. */
export class PipelineMetrics {
  readonly registry = new Registry();

  readonly consumed = new Counter({
    name: 'penalty_events_consumed_total',
    help: 'Kafka messages read, by topic',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly processed = new Counter({
    name: 'penalty_events_processed_total',
    help: 'Events applied to state (duplicates excluded), by topic',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: 'penalty_events_duplicate_total',
    help: 'Events already processed (redeliveries), by topic',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'penalty_events_dead_lettered_total',
    help: 'Events sent to the dead-letter topic, by source topic and reason',
    labelNames: ['topic', 'reason'],
    registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({
    name: 'penalty_batch_processing_seconds',
    help: 'Time to apply one consumed batch, by topic',
    labelNames: ['topic'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly outboxBacklog = new Gauge({
    name: 'penalty_outbox_backlog',
    help: 'Outbox messages left for the sweeper (not published by their writer), at the last sweep',
    registers: [this.registry],
  });
  readonly outboxOldestAge = new Gauge({
    name: 'penalty_outbox_oldest_age_seconds',
    help: 'Age of the oldest message left in the outbox at the last sweep (0 when empty); growing means it does not drain',
    registers: [this.registry],
  });
  readonly outboxRefused = new Counter({
    name: 'penalty_outbox_refused_total',
    help: 'Messages the broker refused for themselves (e.g. too large), set aside in outbox_refused, by topic',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly outboxPublished = new Counter({
    name: 'penalty_outbox_published_total',
    help: 'Outbox messages published, by topic',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly consumerLag = new Gauge({
    name: 'penalty_consumer_lag',
    help: 'Messages between the high watermark and the last processed offset, by topic and partition',
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });

  readonly httpRequests = new Counter({
    name: 'penalty_http_requests_total',
    help: 'HTTP requests answered, by method, route (the route template; "unmatched" when no route matched) and status code',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly httpSeconds = new Histogram({
    name: 'penalty_http_request_duration_seconds',
    help: 'Time from a request\'s arrival to the end of its answer, by method, route and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(serviceName: string) {
    this.registry.setDefaultLabels({ service: serviceName });
    // Event-loop delay sampled every 100 ms rather than every 10 ms: an idle process then sleeps.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 100 });
  }
}

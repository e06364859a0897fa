import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** A span as an OTLP receiver sees it (ids in lower-case hex, as in a traceparent). */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
}

export const SPAN_KIND = { SERVER: 2, CONSUMER: 5 } as const;

/**
 * A local OTLP/HTTP trace receiver for tests: accepts `POST /v1/traces` in the exporters' default
 * encoding, http/protobuf (ExportTraceServiceRequest, decoded here by hand for the fields a test
 * reads), and keeps every span.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Export requests received (including ones that could not be decoded, which fail the test through `errors`). */
  requests = 0;
  readonly errors: string[] = [];
  private server?: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests++;
        try {
          if (req.method !== 'POST' || req.url !== '/v1/traces') throw new Error(`unexpected ${req.method} ${req.url}`);
          if (!String(req.headers['content-type']).startsWith('application/x-protobuf')) throw new Error(`unexpected content-type ${req.headers['content-type']}`);
          const body = Buffer.concat(chunks);
          this.spans.push(...decodeExportTraceServiceRequest(req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body));
          res.writeHead(200, { 'content-type': 'application/x-protobuf' });
          res.end(); // an empty ExportTraceServiceResponse: everything accepted
        } catch (error) {
          this.errors.push((error as Error).message);
          res.writeHead(400);
          res.end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as { port: number }).port;
  }

  /** The OTEL_EXPORTER_OTLP_ENDPOINT to give the services (the exporter appends /v1/traces). */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Spans of `traceId` matching `predicate`, waiting until at least `count` are there. */
  async waitFor(traceId: string, predicate: (s: ReceivedSpan) => boolean, count = 1, timeoutMs = 60_000): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.spans.filter((s) => s.traceId === traceId && predicate(s));
      if (found.length >= count) return found;
      if (Date.now() > deadline) {
        const seen = this.spans.filter((s) => s.traceId === traceId).map((s) => `${s.service}: ${s.name}`);
        throw new Error(`expected ${count} matching span(s) of trace ${traceId}, found ${found.length} after ${timeoutMs} ms; the trace has: ${seen.join('; ') || 'nothing'}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// ------------------------------------------------------------------ protobuf, the part OTLP traces use

type Field = { no: number; wire: 0; value: bigint } | { no: number; wire: 1 | 5; value: Buffer } | { no: number; wire: 2; value: Buffer };

/** The fields of one protobuf message, in order (wire types 0, 1, 2 and 5; groups are not used by OTLP). */
function fields(buffer: Buffer): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= buffer.length) throw new Error('truncated varint');
      const byte = buffer[at++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  while (at < buffer.length) {
    const tag = Number(varint());
    const no = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ no, wire, value: varint() });
    else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      out.push({ no, wire, value: buffer.subarray(at, at + size) });
      at += size;
    } else if (wire === 2) {
      const length = Number(varint());
      if (at + length > buffer.length) throw new Error('truncated length-delimited field');
      out.push({ no, wire, value: buffer.subarray(at, at + length) });
      at += length;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const messages = (buffer: Buffer, no: number) => fields(buffer).filter((f): f is Extract<Field, { wire: 2 }> => f.no === no && f.wire === 2).map((f) => f.value);

/** opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest → spans with their resource's service.name. */
export function decodeExportTraceServiceRequest(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of messages(body, 1)) {
    const [resource] = messages(resourceSpans, 1);
    const resourceAttributes = resource ? attributes(messages(resource, 1)) : {};
    const service = String(resourceAttributes['service.name'] ?? '');
    for (const scopeSpans of messages(resourceSpans, 2)) {
      for (const span of messages(scopeSpans, 2)) {
        const f = fields(span);
        const bytes = (no: number) => (f.find((x) => x.no === no && x.wire === 2)?.value as Buffer | undefined) ?? Buffer.alloc(0);
        spans.push({
          service,
          traceId: bytes(1).toString('hex'),
          spanId: bytes(2).toString('hex'),
          parentSpanId: bytes(4).toString('hex'),
          name: bytes(5).toString('utf8'),
          kind: Number((f.find((x) => x.no === 6 && x.wire === 0)?.value as bigint | undefined) ?? 0n),
          attributes: attributes(messages(span, 9)),
        });
      }
    }
  }
  return spans;
}

/** KeyValue list → object (AnyValue: string 1, bool 2, int 3, double 4; arrays and maps are not read). */
function attributes(keyValues: Buffer[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const keyValue of keyValues) {
    const f = fields(keyValue);
    const key = (f.find((x) => x.no === 1)?.value as Buffer | undefined)?.toString('utf8');
    const any = f.find((x) => x.no === 2)?.value as Buffer | undefined;
    if (key === undefined || any === undefined) continue;
    const [value] = fields(any);
    if (!value) continue;
    if (value.no === 1 && value.wire === 2) out[key] = value.value.toString('utf8');
    else if (value.no === 2 && value.wire === 0) out[key] = value.value !== 0n;
    else if (value.no === 3 && value.wire === 0) out[key] = Number(BigInt.asIntN(64, value.value));
    else if (value.no === 4 && value.wire === 1) out[key] = value.value.readDoubleLE(0);
  }
  return out;
}

import 'reflect-metadata';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Body, Controller, Get, Module, Param, Post, Query, Res, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import type { Response } from 'express';
import fc from 'fast-check';
import { ThrottlerException } from '@nestjs/throttler';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { applyHttpEdge, BoundedExpressAdapter, HttpEdgeConfig, nestRoutes } from './http-edge';
import { documentEdgeResponses } from './http-edge.openapi';
import { ProblemDetailsFilter, ProblemException } from './problem-details';
import { Public, validRequest } from './request-input';

class Node {
  @IsOptional() @ValidateNested() @Type(() => Node) child?: Node;
  @IsOptional() @IsString() at?: string;
}

@Controller('v1')
class EdgeTestController {
  reads = 0;

  @Get('health')
  @Public()
  health(): { status: string } {
    return { status: 'up' };
  }

  @Get('merchants/:merchantId/items')
  items(@Param('merchantId') merchantId: string, @Query('limit') limit?: string): { merchantId: string; limit?: string } {
    return { merchantId, limit };
  }

  @Post('merchants/:merchantId/notes')
  note(@Param('merchantId') merchantId: string, @Body() body: unknown): { merchantId: string; node: Node } {
    this.reads++;
    return { merchantId, node: validRequest(Node, body) };
  }

  @Post('sign-in')
  @Public()
  signIn(@Body() body: unknown): Node {
    return validRequest(Node, body);
  }

  @Post('throttled')
  @Public()
  throttled(@Res({ passthrough: true }) response: Response): never {
    // As @nestjs/throttler answers: its own suffixed header, then a 429.
    response.setHeader('Retry-After-ingestion', '42');
    throw new ProblemException(429, 'RATE_LIMITED', 'Too many requests');
  }

  @Post('throttled-by-key')
  @Public()
  throttledByKey(@Res({ passthrough: true }) response: Response): never {
    // Exactly what @nestjs/throttler's guard does for the per-key ingestion limit.
    response.setHeader('Retry-After-ingestion', '7');
    throw new ThrottlerException();
  }
}

@Module({ controllers: [EdgeTestController] })
class EdgeTestModule {}

const config = Object.assign(new HttpEdgeConfig(), { HTTP_BODY_LIMIT_BYTES: 256 * 1024, HTTP_BODY_TIMEOUT_MS: 700, HTTP_HEADERS_TIMEOUT_MS: 2000, HTTP_REQUEST_TIMEOUT_MS: 5000 });
// Bounds like the contract's, for the date-time check (the real one is libs/contracts' isRfc3339DateTime).
const isDateTime = (value: string) => /^(19[7-9]\d|20\d\d)-\d\d-\d\dT\d\d:\d\d:[0-5]\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value);

describe('HTTP edge (a Nest app on a real socket, no database)', () => {
  let app: INestApplication;
  let base: string;
  let port: number;

  beforeAll(async () => {
    const nest = await NestFactory.create<NestExpressApplication>(EdgeTestModule, new BoundedExpressAdapter(config), { bodyParser: false, logger: false });
    nest.useGlobalFilters(new ProblemDetailsFilter());
    applyHttpEdge(nest, {
      config,
      routes: () => nestRoutes(nest),
      text: { isDateTime, dateTimeRule: 'a contract date-time' },
      authorize: async (request) => {
        if (request.headers.authorization !== 'Bearer ok') throw new ProblemException(401, 'AUTH.UNAUTHENTICATED', 'Unauthenticated');
      },
    });
    await nest.listen(0, '127.0.0.1');
    app = nest;
    port = (nest.getHttpServer().address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await app?.close();
  });

  const auth = { authorization: 'Bearer ok', 'content-type': 'application/json' };
  const post = (path: string, body: string, headers: Record<string, string> = auth) => fetch(base + path, { method: 'POST', headers, body });

  async function problem(response: globalThis.Response, status: number): Promise<{ code: string; errors?: { field: string; message: string }[] }> {
    const body = await response.text();
    expect({ status: response.status, body }).toEqual({ status, body: expect.any(String) });
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return JSON.parse(body);
  }

  /** Writes raw bytes on a fresh connection and gives what the server answered, and after how long. */
  function raw(lines: string, { endAfterMs }: { endAfterMs?: number } = {}): Promise<{ text: string; ms: number }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const socket = net.connect(port, '127.0.0.1', () => socket.write(lines));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve({ text, ms: Date.now() - started }));
      socket.on('error', reject);
      if (endAfterMs) setTimeout(() => socket.destroy(), endAfterMs).unref();
    });
  }

  it('sends security headers and no X-Powered-By', async () => {
    const response = await fetch(base + '/v1/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
  });

  it('answers 413 for a declared body over the limit, with or without credentials, before reading it', async () => {
    const big = 'x'.repeat(config.HTTP_BODY_LIMIT_BYTES + 1);
    expect((await problem(await post('/v1/merchants/m-1/notes', JSON.stringify({ at: big })), 413)).code).toBe('REQUEST.TOO_LARGE');
    expect((await problem(await post('/v1/merchants/m-1/notes', JSON.stringify({ at: big }), { 'content-type': 'application/json' }), 413)).code).toBe('REQUEST.TOO_LARGE');
    // Declared but never sent: answered at once from the header.
    const declared = await raw(`POST /v1/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999\r\n\r\n`, { endAfterMs: 3000 });
    expect(declared.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(declared.ms).toBeLessThan(2000);
  });

  it('answers 413 for a chunked body that grows over the limit', async () => {
    const chunk = 'a'.repeat(16 * 1024);
    const chunks = Array.from({ length: 18 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
    const answer = await raw(`POST /v1/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`, { endAfterMs: 3000 });
    expect(answer.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.text).toContain('application/problem+json');
  });

  it.each([['application/json; charset=latin1'], ['application/json; charset="iso-8859-1"'], ['text/plain'], ['application/x-www-form-urlencoded'], ['application/xml']])('answers 415 for %s', async (type) => {
    expect((await problem(await post('/v1/sign-in', '{}', { 'content-type': type }), 415)).code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
  });

  it.each([['application/json'], ['application/json; charset=UTF-8'], ['application/cloudevents+json; charset=utf-8'], ['application/cloudevents-batch+json']])('takes %s', async (type) => {
    expect((await post('/v1/sign-in', '{"at":"x"}', { 'content-type': type })).status).toBe(201);
  });

  it('answers 400 for JSON nested deeper than the bound, without recursing (20,000 levels)', async () => {
    const deep = '{"child":'.repeat(20_000) + '{}' + '}'.repeat(20_000);
    const answer = await problem(await post('/v1/sign-in', deep, { 'content-type': 'application/json' }), 400);
    expect(answer.errors?.[0].message).toMatch(/nested deeper than 64/);
    const arrays = '['.repeat(65) + ']'.repeat(65);
    expect((await post('/v1/sign-in', arrays, { 'content-type': 'application/json' })).status).toBe(400);
    const fine = '{"child":'.repeat(10) + '{}' + '}'.repeat(10);
    expect((await post('/v1/sign-in', fine, { 'content-type': 'application/json' })).status).toBe(201);
  });

  it.each([
    ['%00', 'NUL'],
    ['m%001', 'NUL'],
    ['%C3%28', 'UTF-8'],
    ['%ED%A0%80', 'UTF-8'],
    ['%FF', 'UTF-8'],
    ['%E4%B8', 'UTF-8'],
    ['%', 'UTF-8'],
  ])('answers 400 naming the path parameter for %s', async (segment, what) => {
    const answer = await problem(await fetch(`${base}/v1/merchants/${segment}/items`, { headers: auth }), 400);
    expect(answer.errors).toEqual([{ field: 'path.merchantId', message: expect.stringContaining(what) }]);
  });

  it('takes real UTF-8 in path and query (a merchant id in Chinese)', async () => {
    const response = await fetch(`${base}/v1/merchants/${encodeURIComponent('商户-1')}/items?limit=${encodeURIComponent('五')}`, { headers: auth });
    expect(await response.json()).toEqual({ merchantId: '商户-1', limit: '五' });
  });

  it.each([['limit=%00'], ['limit=%C3%28'], ['limit=%ED%A0%80'], ['limit=2026-12-31T23:59:60Z'], ['limit=1969-12-31T23:59:59Z'], ['limit=2100-01-01T00:00:00Z']])('answers 400 naming the query parameter for ?%s', async (query) => {
    const answer = await problem(await fetch(`${base}/v1/merchants/m-1/items?${query}`, { headers: auth }), 400);
    expect(answer.errors).toEqual([{ field: 'query.limit', message: expect.any(String) }]);
  });

  it('answers 400 for an id header that is not printable ASCII', async () => {
    const answer = await raw(`GET /v1/merchants/m-1/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ok\r\nx-api-key: pk_1_\xc3\x28\r\nConnection: close\r\n\r\n`);
    expect(answer.text).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer.text).toContain('header.x-api-key');
  });

  it.each([
    ['{"at":"a\\u0000b"}', 'at', 'NUL'],
    ['{"child":{"at":"\\ud800"}}', 'child.at', 'surrogate'],
    ['{"child":{"at":"\\udc00x"}}', 'child.at', 'surrogate'],
    ['{"a\\u0000":1}', '["a\\u0000"]', 'NUL'],
    ['{"at":"2026-06-30T23:59:60Z"}', 'at', 'date-time'],
    ['{"at":"1969-12-31T23:59:59Z"}', 'at', 'date-time'],
    ['{"at":"2100-01-01T00:00:00+08:00"}', 'at', 'date-time'],
    ['{"list":["ok","\\u0000"]}', 'list[1]', 'NUL'],
  ])('answers 400 naming the body field of %s', async (body, field, what) => {
    const answer = await problem(await post('/v1/merchants/m-1/notes', body), 400);
    expect(answer.errors).toEqual([{ field, message: expect.stringContaining(what) }]);
  });

  it('answers 400 for a body that is not UTF-8 or not JSON', async () => {
    const latin1 = await fetch(base + '/v1/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0x22, 0x61, 0x74, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]) });
    expect((await problem(latin1, 400)).errors?.[0].message).toMatch(/UTF-8/);
    expect((await problem(await post('/v1/sign-in', '{"at":', { 'content-type': 'application/json' }), 400)).code).toBe('REQUEST.MALFORMED');
  });

  it('refuses an unauthenticated request before reading its body', async () => {
    const notes = (app.get(EdgeTestController) as EdgeTestController).reads;
    // 1 MB declared, none sent: a server that read the body first would wait for it (and time out with 408).
    const answer = await raw(`POST /v1/merchants/m-1/notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{"at":`, { endAfterMs: 3000 });
    expect(answer.text).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer.ms).toBeLessThan(config.HTTP_BODY_TIMEOUT_MS);
    expect((app.get(EdgeTestController) as EdgeTestController).reads).toBe(notes);
    // Public routes still read theirs.
    expect((await post('/v1/sign-in', '{"at":"x"}', { 'content-type': 'application/json' })).status).toBe(201);
  });

  it('invites the body of an Expect: 100-continue request only once the caller is authorized', async () => {
    const head = (authorization: string) => `POST /v1/merchants/m-1/notes HTTP/1.1\r\nHost: x\r\n${authorization}Content-Type: application/json\r\nContent-Length: 10\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`;
    const refused = await raw(head(''), { endAfterMs: 3000 });
    expect(refused.text).toMatch(/^HTTP\/1\.1 401 /);
    expect(refused.text).not.toContain('100 Continue');
    const invited = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(head('Authorization: Bearer ok\r\n')));
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (text.startsWith('HTTP/1.1 100 Continue') && !text.includes('201')) socket.write('{"at":"x"}');
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(invited).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 201 /);
  });

  it('cuts off a body trickled slower than the body timeout with a 408 problem', async () => {
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(`POST /v1/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`));
      let text = '';
      const trickle = setInterval(() => socket.writable && socket.write(' '), 100);
      socket.on('data', (c) => (text += c.toString()));
      socket.on('close', () => {
        clearInterval(trickle);
        resolve(text);
      });
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('REQUEST.TIMEOUT');
    expect(Date.now() - started).toBeLessThan(config.HTTP_BODY_TIMEOUT_MS + 1500);
  });

  it('bounds the time to send headers (server.headersTimeout)', async () => {
    const answer = await raw(`GET /v1/health HTTP/1.1\r\nHost: x\r\n`, { endAfterMs: 8000 });
    expect(answer.ms).toBeLessThan(config.HTTP_HEADERS_TIMEOUT_MS + 2000);
    expect(answer.text).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('gives a 429 the standard Retry-After header in seconds', async () => {
    const response = await fetch(base + '/v1/throttled', { method: 'POST' });
    await problem(response, 429);
    expect(response.headers.get('retry-after')).toBe('42');
    const byKey = await fetch(base + '/v1/throttled-by-key', { method: 'POST' });
    expect((await problem(byKey, 429)).code).toBe('REQUEST.RATE_LIMITED');
    expect(byKey.headers.get('retry-after')).toBe('7');
  });

  it('documents its answers in the OpenAPI document: 400 everywhere, 401/403 where a principal is needed, 408/413/415 where a body is read', () => {
    const document = documentEdgeResponses(SwaggerModule.createDocument(app, new DocumentBuilder().build()), nestRoutes(app));
    const statuses = (path: string, method: 'get' | 'post') => Object.keys(document.paths[path][method]!.responses).sort();
    expect(statuses('/v1/merchants/{merchantId}/items', 'get')).toEqual(['200', '400', '401', '403']);
    expect(statuses('/v1/merchants/{merchantId}/notes', 'post')).toEqual(['201', '400', '401', '403', '408', '413', '415']);
    expect(statuses('/v1/sign-in', 'post')).toEqual(['201', '400', '408', '413', '415']);
    // Every error answer is application/problem+json with the one ProblemDetails component.
    const notes = document.paths['/v1/merchants/{merchantId}/notes'].post!.responses as Record<string, { content?: object }>;
    for (const status of ['400', '401', '403', '408', '413', '415']) expect(notes[status].content).toEqual({ 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } });
    expect(document.components?.schemas?.['ProblemDetails']).toMatchObject({ required: ['type', 'title', 'status'] });
  });

  it('property: hostile paths, queries, headers and bodies never get a 5xx, and every 4xx is a problem document', async () => {
    const hostileText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('\u0000', '\ud800', '\udfff', '1970-01-01T00:00:00Z', '2026-12-31T23:59:60+08:00', '1900-01-01T00:00:00Z', '%', '..', '/', '?', '#', '\\'),
    );
    const rawBytes = fc.uint8Array({ maxLength: 8 }).map((bytes) => Array.from(bytes, (b) => '%' + b.toString(16).padStart(2, '0')).join(''));
    const encode = (t: string) => {
      try {
        return encodeURIComponent(t);
      } catch {
        return Array.from(Buffer.from(t), (b) => '%' + b.toString(16).padStart(2, '0')).join('');
      }
    };
    const segment = fc.oneof(hostileText.map(encode), rawBytes);
    const jsonish = fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ child: v, at: v })),
      hostileText.map((t) => JSON.stringify({ at: t, child: { at: t } })),
      fc.integer({ min: 60, max: 400 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
      fc.string({ maxLength: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/merchants/:id/items', '/v1/merchants/:id/notes', '/v1/sign-in', '/v1/health', '/v1/:id'),
        segment,
        fc.tuple(segment, segment),
        jsonish,
        fc.constantFrom('application/json', 'application/json; charset=latin1', 'text/plain', 'application/cloudevents+json'),
        fc.boolean(),
        async (template, id, [name, value], body, type, signedIn) => {
          const path = template.replace(':id', id) + `?${name}=${value}`;
          const post = template.endsWith('notes') || template.endsWith('sign-in');
          const response = await fetch(base + path, { method: post ? 'POST' : 'GET', headers: { 'content-type': type, ...(signedIn ? { authorization: 'Bearer ok' } : {}) }, body: post ? body : undefined });
          const text = await response.text();
          expect({ path, status: response.status < 500 }).toEqual({ path, status: true });
          if (response.status >= 400) {
            expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
            expect(JSON.parse(text)).toMatchObject({ status: response.status, type: expect.any(String), title: expect.any(String) });
          }
        },
      ),
      { numRuns: 300 },
    );
  }, 60_000);
});

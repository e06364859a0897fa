import http from 'node:http';
import type { Duplex } from 'node:stream';
import { RequestMethod, type INestApplication, type NestApplicationOptions, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bodyTextProblems, decodeUtf8, headerProblems, jsonDepthExceeds, MAX_JSON_DEPTH, requestTargetProblems, templateSegments, type TextRules } from './hostile-input';
import { PROBLEM_CONTENT_TYPE, ProblemDetailsFilter, ProblemException, sendProblem, type ProblemDetails } from './problem-details';
import { PUBLIC_ROUTE } from './request-input';

const asNumber = ({ value }: { value: unknown }) => (value === undefined ? undefined : Number(value));

/** Bounds of every service's HTTP edge (README "HTTP edge"); validated at boot like the rest of the config. */
export class HttpEdgeConfig {
  /** Largest request body read, in bytes (2 MiB: a batch of violations; one event is bounded at 256 KiB by the contract). */
  @Transform(asNumber) @IsInt() @Min(1024) @Max(64 * 1024 * 1024)
  HTTP_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

  /** Time a client has to send the request line and headers (Node's server.headersTimeout). */
  @Transform(asNumber) @IsInt() @Min(1000) @Max(120_000)
  HTTP_HEADERS_TIMEOUT_MS = 10_000;

  /** Time a client has to send the whole body once the headers are in; then 408 and the connection is closed. */
  @Transform(asNumber) @IsInt() @Min(500) @Max(300_000)
  HTTP_BODY_TIMEOUT_MS = 10_000;

  /** Time for the whole request (Node's server.requestTimeout): a backstop above the two others. */
  @Transform(asNumber) @IsInt() @Min(1000) @Max(600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** How long an idle keep-alive connection stays open. */
  @Transform(asNumber) @IsInt() @Min(100) @Max(120_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 5_000;
}

/** A route of a Nest controller as the edge matches it before Nest's router runs. */
export interface EdgeRoute {
  method: string;
  path: string;
  segments: { param?: string; literal?: string }[];
  isPublic: boolean;
  controller: Type<unknown>;
  handler: (...args: unknown[]) => unknown;
}

const joinPath = (...parts: string[]) => '/' + parts.flatMap((p) => p.split('/')).filter((s) => s !== '').join('/');

/** Every HTTP route of the application's controllers, read from Nest's metadata (Kafka handlers have none). */
export function nestRoutes(app: INestApplication): EdgeRoute[] {
  const reflector = app.get(Reflector);
  const routes: EdgeRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | undefined;
      if (!controller?.prototype) continue;
      const bases = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, controller) ?? '/');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value as EdgeRoute['handler'] | undefined;
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (paths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod] ?? 'GET';
        const isPublic = reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [handler, controller]) === true;
        for (const base of bases) {
          for (const own of ([] as string[]).concat(paths)) {
            const path = joinPath(base, own);
            routes.push({ method, path, segments: templateSegments(path), isPublic, controller, handler });
          }
        }
      }
    }
  }
  // Most literal segments first, as the more specific route is the one a caller means.
  return routes.sort((a, b) => b.segments.filter((s) => s.literal).length - a.segments.filter((s) => s.literal).length);
}

/** The route a request goes to, matched on its raw path (literals compared percent-decoded, case-insensitively, as Express does). */
export function matchRoute(routes: readonly EdgeRoute[], method: string, rawPath: string): EdgeRoute | undefined {
  const wanted = method === 'HEAD' ? 'GET' : method;
  const segments = rawPath.split('/').filter((s) => s !== '');
  return routes.find(
    (route) =>
      (route.method === wanted || route.method === 'ALL') &&
      route.segments.length === segments.length &&
      route.segments.every((s, i) => s.param !== undefined || s.literal!.toLowerCase() === safeDecode(segments[i]).toLowerCase()),
  );
}

const safeDecode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

export interface HttpEdgeOptions {
  config: HttpEdgeConfig;
  /** The routes (computed once, at the first request, when every controller is known). */
  routes: () => readonly EdgeRoute[];
  /** Date-time bounds (the contract's). */
  text?: TextRules;
  /**
   * Authenticates and authorizes a request to a non-public route before its body is read (the same
   * guard Nest runs afterwards); throws the problem (401, 403, 503) to answer.
   */
  authorize?: (request: Request, response: Response, route: EdgeRoute) => Promise<void>;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** JSON, and the JSON structured formats (`application/cloudevents+json`, `application/cloudevents-batch+json`). */
const JSON_MEDIA_TYPE = /^application\/(?:json|[a-z0-9!#$&^_.-]+\+json)$/;

/** 415 unless the body is JSON in UTF-8 (RFC 8259 allows nothing else between systems). */
function mediaTypeProblem(contentType: string | undefined): ProblemException | undefined {
  const unsupported = (detail: string) => new ProblemException(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', detail);
  if (!contentType) return unsupported('A request body needs a Content-Type: application/json (or application/*+json), in UTF-8.');
  const [type, ...parameters] = contentType.split(';').map((p) => p.trim());
  if (!JSON_MEDIA_TYPE.test(type.toLowerCase())) return unsupported(`${type} is not accepted: send application/json (or application/*+json), in UTF-8.`);
  for (const parameter of parameters) {
    const [name, value = ''] = parameter.split('=').map((p) => p.trim());
    if (name.toLowerCase() === 'charset' && value.replace(/^"|"$/g, '').toLowerCase() !== 'utf-8') return unsupported(`charset=${value} is not accepted: JSON bodies are UTF-8.`);
  }
  return undefined;
}

const hasBody = (request: Request) => request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');

/** An answer given before the body was read: the connection is closed after it, so the rest is not read either. */
function refuse(request: Request, response: Response, problem: ProblemDetails, bodyUnread: boolean): void {
  if (bodyUnread) response.setHeader('Connection', 'close');
  sendProblem(request, response, problem);
}

/**
 * The HTTP edge of every service, ahead of Nest's router: refuses in this order, each with a problem
 * document, (1) id headers that are not printable ASCII, (2) a path or query that is not UTF-8 text
 * without NUL, or holds a date-time outside the contract, (3) a declared body over the limit (413),
 * (4) a body that is not JSON in UTF-8 (415), (5) an unauthenticated or unauthorized call to a
 * non-public route (401/403) — all before a byte of the body is read — then reads the body within its
 * size and time bounds (413, 408) and refuses (6) invalid UTF-8, JSON nested deeper than
 * MAX_JSON_DEPTH, malformed JSON, and strings with NUL, unpaired surrogates or out-of-contract
 * date-times (400 naming the field). What passes reaches Nest with `req.body` parsed.
 */
export function httpEdge(options: HttpEdgeOptions): RequestHandler {
  const filter = new ProblemDetailsFilter();
  const text = options.text ?? {};
  const limit = options.config.HTTP_BODY_LIMIT_BYTES;
  let routes: readonly EdgeRoute[] | undefined;
  return (request: Request, response: Response, next: NextFunction) => {
    const target = request.originalUrl;
    const queryAt = target.indexOf('?');
    const route = matchRoute((routes ??= options.routes()), request.method, queryAt < 0 ? target : target.slice(0, queryAt));
    const withBody = hasBody(request) && BODY_METHODS.has(request.method) && route !== undefined;
    const invalid = (errors: ReturnType<typeof headerProblems>, detail: string) => refuse(request, response, filter.toProblem(ProblemException.validation(errors, detail)), withBody);

    const headers = headerProblems(request.headers);
    if (headers.length > 0) return invalid(headers, 'A header is not printable ASCII.');
    const targetProblems = requestTargetProblems(target, (i) => (route?.segments[i]?.param ? `path.${route.segments[i].param}` : undefined), text);
    if (targetProblems.length > 0) return invalid(targetProblems, 'The path or the query is not valid text.');
    if (withBody) {
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > limit) return refuse(request, response, filter.toProblem(tooLarge(limit)), true);
      const media = mediaTypeProblem(request.headers['content-type']);
      if (media) return refuse(request, response, filter.toProblem(media), true);
    }
    const authorized = route && !route.isPublic && options.authorize ? options.authorize(request, response, route) : Promise.resolve();
    authorized.then(
      () => {
        if (!withBody) return next();
        // A client that waits for 100 Continue sends its body only now that it is allowed to (see BoundedExpressAdapter).
        if (request.headers.expect?.toLowerCase() === '100-continue') response.writeContinue();
        readBody(request, limit, options.config.HTTP_BODY_TIMEOUT_MS).then(
          (bytes) => {
            if (bytes === undefined) return; // the client went away
            const parsed = parseJsonBody(bytes, text);
            if (parsed instanceof ProblemException) return refuse(request, response, filter.toProblem(parsed), false);
            request.body = parsed.value;
            next();
          },
          (problem: ProblemException) => refuse(request, response, filter.toProblem(problem), true),
        );
      },
      (error: unknown) => refuse(request, response, filter.toProblem(error), withBody),
    );
  };
}

const tooLarge = (limit: number) => new ProblemException(413, 'REQUEST.TOO_LARGE', 'Payload too large', `The body is over ${limit} bytes.`);

/** The body's bytes, within `limit` bytes and `timeoutMs`; undefined when the client closed the connection first. */
function readBody(request: Request, limit: number, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.off('data', onData).off('end', onEnd).off('error', onClose).off('close', onClose);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) settle(() => reject(tooLarge(limit)));
      else chunks.push(chunk);
    };
    const onEnd = () => settle(() => resolve(Buffer.concat(chunks, size)));
    const onClose = () => settle(() => resolve(undefined));
    // A body trickled byte by byte would otherwise hold the connection until the request timeout.
    const timer = setTimeout(() => settle(() => reject(new ProblemException(408, 'REQUEST.TIMEOUT', 'Request timeout', `The body did not arrive within ${timeoutMs} ms.`))), timeoutMs);
    request.on('data', onData).on('end', onEnd).on('error', onClose).on('close', onClose);
  });
}

/** The parsed body, or the 400 that names what is wrong with it. */
export function parseJsonBody(bytes: Buffer, text: TextRules = {}): { value: unknown } | ProblemException {
  const malformed = (message: string) => new ProblemException(400, 'REQUEST.MALFORMED', 'Malformed request', message, [{ field: '', message }]);
  const source = decodeUtf8(bytes);
  if (source === undefined) return malformed('the body is not valid UTF-8');
  if (source.trim() === '') return { value: undefined };
  if (jsonDepthExceeds(source, MAX_JSON_DEPTH)) return malformed(`the body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    return malformed(`the body is not JSON: ${(error as Error).message}`);
  }
  const problems = bodyTextProblems(value, text);
  return problems.length > 0 ? ProblemException.validation(problems, 'The body holds text that cannot be taken as it is.') : { value };
}

/**
 * Installs the edge on an application before its routes: security headers (helmet; the services
 * answer JSON, so its default policy fits, /docs included), the cookie parser (operators' browsers
 * authenticate with the session cookie), then httpEdge. Create the app with a BoundedExpressAdapter
 * and `bodyParser: false`: the edge reads the body itself.
 */
export function applyHttpEdge(app: NestExpressApplication, options: HttpEdgeOptions): void {
  app.use(helmet());
  app.use(cookieParser());
  app.use(httpEdge(options));
}

/** Node's own answer to what it cannot parse as HTTP (bad request line, headers too large or too slow), as a problem document. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
  const [status, title] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request header fields too large'] : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request timeout'] : [400, 'Bad request'];
  const body = JSON.stringify({ type: 'about:blank', title, status, code: `HTTP.${status}`, detail: 'The request could not be read as HTTP within the bounds of this service.' });
  socket.end(`HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Express under Nest on an HTTP server whose header, request and keep-alive times are bounded (checked every second). */
export class BoundedExpressAdapter extends ExpressAdapter {
  constructor(private readonly limits: HttpEdgeConfig) {
    super();
    // Nothing tells a caller which framework answers.
    this.getInstance().disable('x-powered-by');
  }

  override initHttpServer(options: NestApplicationOptions): void {
    if (options?.httpsOptions) return super.initHttpServer(options);
    const server = http.createServer(
      {
        headersTimeout: this.limits.HTTP_HEADERS_TIMEOUT_MS,
        requestTimeout: Math.max(this.limits.HTTP_REQUEST_TIMEOUT_MS, this.limits.HTTP_HEADERS_TIMEOUT_MS),
        keepAliveTimeout: this.limits.HTTP_KEEP_ALIVE_TIMEOUT_MS,
        connectionsCheckingInterval: 1000,
      },
      this.getInstance(),
    );
    server.on('clientError', answerClientError);
    // Node would answer 100 Continue at once, inviting the body of a caller the edge is about to refuse:
    // the edge sends it itself, once the caller is authorized (httpEdge).
    server.on('checkContinue', (request, response) => server.emit('request', request, response));
    this.httpServer = server;
  }
}

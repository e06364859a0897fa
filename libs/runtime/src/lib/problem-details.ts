import { DomainError } from '@penalty/domain';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';

/** One invalid field of a request, as listed in a problem-details `errors` member. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** RFC 9457 problem details body. `errors` is our extension member listing each invalid field. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  errors?: FieldProblem[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_TYPE_BASE = 'https://penalty-platform.example/problems/';

/** Raised by controllers and application code for any answer other than success. */
export class ProblemException extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldProblem[],
  ) {
    super(detail ?? title);
  }

  static validation(errors: FieldProblem[], detail = 'The request has invalid fields.'): ProblemException {
    return new ProblemException(HttpStatus.BAD_REQUEST, 'REQUEST.INVALID', 'Invalid request', detail, errors);
  }

  static notFound(code: string, detail: string): ProblemException {
    return new ProblemException(HttpStatus.NOT_FOUND, code, 'Not found', detail);
  }
}

function problemTypeOf(code: string): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replace(/[._]/g, '-');
}

/**
 * Writes a problem document. A 429 always carries the standard `Retry-After` (seconds): the throttler
 * sets only its own `Retry-After-<limit name>` header, which no client library reads.
 */
export function sendProblem(request: Request, response: Response, problem: ProblemDetails): void {
  problem.instance ??= request.originalUrl;
  if (problem.status === 429 && !response.getHeader('retry-after')) response.setHeader('Retry-After', String(retryAfterSeconds(response)));
  response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** The longest wait any throttler named (`Retry-After-sign-in: 42`), else one second. */
function retryAfterSeconds(response: Response): number {
  const named = Object.entries(response.getHeaders())
    .filter(([name]) => name.startsWith('retry-after-'))
    .map(([, value]) => Math.ceil(Number(value)))
    .filter((seconds) => Number.isFinite(seconds) && seconds > 0);
  return named.length > 0 ? Math.max(...named) : 1;
}

/** Maps every exception leaving a controller to an RFC 9457 answer, in one place. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(http.getRequest<Request>(), http.getResponse<Response>(), this.toProblem(exception));
  }

  toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof ProblemException) {
      return {
        type: problemTypeOf(exception.code),
        title: exception.title,
        status: exception.status,
        code: exception.code,
        ...(exception.detail ? { detail: exception.detail } : {}),
        ...(exception.errors ? { errors: exception.errors } : {}),
      };
    }
    // A rule of the rulebook refuses the request in the state the merchant's case is in.
    if (exception instanceof DomainError) {
      return { type: problemTypeOf(exception.code), title: 'Refused by the rules', status: HttpStatus.CONFLICT, code: exception.code, detail: exception.message };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      // Express' body parser reports malformed JSON as a 400 HttpException.
      const detail = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      const code = status === 404 ? 'ROUTE.NOT_FOUND' : status === 400 ? 'REQUEST.MALFORMED' : status === 429 ? 'REQUEST.RATE_LIMITED' : `HTTP.${status}`;
      return {
        type: problemTypeOf(code),
        title: HttpStatus[status]?.replace(/_/g, ' ').toLowerCase() ?? 'error',
        status,
        code,
        detail: Array.isArray(detail) ? detail.join('; ') : String(detail),
        ...(typeof body === 'object' && body && 'checks' in body ? { checks: (body as { checks: unknown }).checks } : {}),
      } as ProblemDetails;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return {
      type: problemTypeOf('INTERNAL'),
      title: 'Internal error',
      status: 500,
      code: 'INTERNAL',
      detail: 'The request could not be completed; it has been logged.',
    };
  }
}

import type { OpenAPIObject } from '@nestjs/swagger';
import type { EdgeRoute } from './http-edge';
import { PROBLEM_CONTENT_TYPE } from './problem-details';

/** The one schema of every error answer (ProblemDetailsFilter, the HTTP edge), a component of each document. */
export const PROBLEM_DETAILS_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details; `errors` names each invalid field',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
};

const PROBLEM_REF = { $ref: '#/components/schemas/ProblemDetails' };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Documents in an OpenAPI document the answers the HTTP edge gives on every route (httpEdge), so that
 * a client or a schema-driven test finds them: 400 for text it refuses, 401/403 on the routes that
 * need a principal, and 408/413/415 where a body is read. A route's own description of a status wins,
 * and every 4xx/5xx answer is described as application/problem+json with the one ProblemDetails schema
 * (every error goes through ProblemDetailsFilter or the edge's sendProblem).
 */
export function documentEdgeResponses(document: OpenAPIObject, routes: readonly EdgeRoute[]): OpenAPIObject {
  const publicRoutes = new Set(routes.filter((r) => r.isPublic).map((r) => `${r.method} ${r.path}`));
  for (const [path, item] of Object.entries(document.paths)) {
    const template = path.replace(/\{([^}]+)\}/g, ':$1');
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const answers: [string, string][] = [['400', 'A path parameter, query value or header that is not valid text (NUL, invalid UTF-8), a date-time outside the contract, or a malformed body']];
      if (!publicRoutes.has(`${method.toUpperCase()} ${template}`)) answers.push(['401', 'No valid credentials (checked before the body is read)'], ['403', 'The principal may not call this route']);
      if (method !== 'get' && method !== 'head') answers.push(['408', 'The body did not arrive within HTTP_BODY_TIMEOUT_MS'], ['413', 'The body is over HTTP_BODY_LIMIT_BYTES'], ['415', 'The body is not JSON (application/json or application/*+json) in UTF-8']);
      for (const [status, description] of answers) operation.responses[status] ??= { description };
      for (const [status, response] of Object.entries(operation.responses)) {
        if (/^[45]/.test(status) && response && !('$ref' in response)) response.content = { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } };
      }
    }
  }
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ProblemDetails: PROBLEM_DETAILS_SCHEMA } };
  return document;
}

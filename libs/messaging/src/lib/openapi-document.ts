import type { INestApplication } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { API_KEY_HEADER, API_KEY_VERIFIER, apiKeyScopeOf, CSRF_HEADER, SESSION_COOKIE } from '@penalty/auth';
import { documentEdgeResponses, nestRoutes, type EdgeRoute } from '@penalty/runtime';

/** What a service's OpenAPI document says about the service (its app's main.ts passes it). */
export interface ServiceDocs {
  title: string;
  description: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const UNSAFE = new Set(['post', 'put', 'delete', 'patch']);

/**
 * The service's OpenAPI document: what `GET /docs/openapi.json` serves and what
 * tools/contracts/generate-contracts.ts checks in (libs/contracts/generated/openapi). Built from the
 * module graph's metadata only, so it needs no database or broker (the generator creates the app in
 * Nest's preview mode). Security per operation follows the AuthGuard's own metadata: none on @Public
 * routes; else a bearer token, or the session cookie (with the CSRF header on unsafe methods), or an
 * API key where the route takes one (ApiKeyScope) and the service verifies keys.
 */
export function buildOpenApiDocument(app: INestApplication, docs: ServiceDocs): OpenAPIObject {
  // Only the api keeps API keys; the other services refuse them, so their documents do not offer them.
  const verifiesApiKeys = [...app.get(ModulesContainer).values()].some((module) => module.providers.has(API_KEY_VERIFIER));
  const config = new DocumentBuilder()
    .setTitle(docs.title)
    .setDescription(docs.description)
    .setVersion('1.0')
    .addServer('/', 'The service itself (behind an ingress, the ingress path of the service)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An operator session token (POST /v1/auth/sign-in on the api) or, when configured, a token of the company identity provider' }, 'bearer')
    .addCookieAuth(SESSION_COOKIE, { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The operator session cookie set by POST /v1/auth/sign-in on the api' }, 'cookie')
    .addApiKey({ type: 'apiKey', in: 'header', name: CSRF_HEADER, description: 'With the session cookie on every unsafe method: the value of the penalty_csrf cookie' }, 'csrf')
    .build();
  // Proprietary (package.json: UNLICENSED), so no licence text to link to.
  config.info.license = { name: 'Proprietary' };
  if (verifiesApiKeys) config.components!.securitySchemes!['apiKey'] = { type: 'apiKey', in: 'header', name: API_KEY_HEADER, description: 'A platform system key, pk_<id>_<secret>, with the scope the operation names' };
  const routes = nestRoutes(app);
  const document = documentEdgeResponses(SwaggerModule.createDocument(app, config), routes);
  applySecurity(document, routes, new Reflector(), verifiesApiKeys);
  // A scheme no operation uses (CSRF in a service that takes no commands) is left out.
  const used = new Set(Object.values(document.paths).flatMap((item) => METHODS.flatMap((m) => item[m]?.security ?? [])).flatMap((requirement) => Object.keys(requirement)));
  const schemes = document.components?.securitySchemes ?? {};
  for (const name of Object.keys(schemes)) if (!used.has(name)) delete schemes[name];
  return document;
}

function applySecurity(document: OpenAPIObject, routes: readonly EdgeRoute[], reflector: Reflector, verifiesApiKeys: boolean): void {
  // @nestjs/swagger names each operation <Controller>_<handler>.
  const byOperationId = new Map(routes.map((r) => [`${r.controller.name}_${r.handler.name}`, r]));
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      const route = operation?.operationId === undefined ? undefined : byOperationId.get(operation.operationId);
      if (!operation || !route) continue;
      if (route.isPublic) {
        operation.security = [];
        continue;
      }
      const scope = verifiesApiKeys ? apiKeyScopeOf(reflector, [route.handler, route.controller]) : undefined;
      operation.security = [{ bearer: [] }, UNSAFE.has(method) ? { cookie: [], csrf: [] } : { cookie: [] }, ...(scope ? [{ apiKey: [] }] : [])];
      // OpenAPI 3.0 has no scopes for API keys, so the one the key needs is said in words.
      if (scope) operation.description = [operation.description, `An API key needs the scope \`${scope}\`.`].filter(Boolean).join(' ');
    }
  }
}

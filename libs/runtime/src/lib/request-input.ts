import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ProblemException, type FieldProblem } from './problem-details';

/** Metadata key of routes open to anyone (health, metrics, sign-in); the auth guard skips them. */
export const PUBLIC_ROUTE = 'auth:public';
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The authenticated principal's identity (set by the auth guard): who acts, for the audit trail. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const subject = context.switchToHttp().getRequest<{ principal?: { subject: string } }>().principal?.subject;
  if (!subject) throw new ProblemException(401, 'AUTH.UNAUTHENTICATED', 'Unauthenticated', 'Sign in, or send a bearer token or an API key.');
  return subject;
});

/** The marketplaces an operator's roles are for (rulebook section 9); undefined: every marketplace. */
export type MarketplaceScope = readonly string[] | undefined;

/** The authenticated principal's marketplace scope (set by the auth guard), for decisions on cases of one marketplace. */
export const ActingFor = createParamDecorator((_data: unknown, context: ExecutionContext): MarketplaceScope =>
  context.switchToHttp().getRequest<{ principal?: { marketplaces?: string[] } }>().principal?.marketplaces);

/** Refuses (403 AUTH.MARKETPLACE_FORBIDDEN) acting on `what`, a case of `marketplace`, for someone whose roles are for other marketplaces. */
export function assertActsFor(scope: MarketplaceScope, marketplace: string, what: string): void {
  if (scope === undefined || scope.includes(marketplace)) return;
  throw new ProblemException(403, 'AUTH.MARKETPLACE_FORBIDDEN', 'Forbidden', `${what} belongs to marketplace ${marketplace}; your roles are for ${scopeText(scope)}.`);
}

/** The marketplaces of a scope as a refusal names them. */
export const scopeText = (scope: readonly string[]): string => (scope.length > 0 ? scope.join(', ') : 'no marketplace');

/** Validates a request body against a class-validator class; a 400 problem names every invalid field. */
export function validRequest<T extends object>(type: new () => T, body: unknown): T {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw ProblemException.validation([{ field: '', message: 'the body must be a JSON object' }]);
  const instance = plainToInstance(type, body);
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) throw ProblemException.validation(fieldProblems(errors));
  return instance;
}

function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldProblems(e.children ?? [], field)];
  });
}

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ProblemException, type FieldProblem } from './problem-details';

/** The header naming who acts. Until operators sign in (issue 4), callers state their identity here. */
export const ACTOR_HEADER = 'x-actor';
const ACTOR = /^[\p{L}\p{N}._@:-]{1,128}$/u;

/** The acting operator or system, from the x-actor header; a 400 problem when missing or malformed. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const value = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers[ACTOR_HEADER];
  if (!value || !ACTOR.test(value)) {
    throw ProblemException.validation([{ field: `header ${ACTOR_HEADER}`, message: 'must name the acting operator or system (1-128 letters, digits, . _ @ : -)' }]);
  }
  return value;
});

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

import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { ProblemException } from './problem-details';
import { validRequest } from './request-input';

class Amount {
  @IsInt()
  @Min(1)
  fen: number;
}

class Payment {
  @IsString()
  reference: string;

  @ValidateNested()
  @Type(() => Amount)
  amount: Amount;
}

function problemOf(run: () => unknown): ProblemException {
  try {
    run();
  } catch (error) {
    return error as ProblemException;
  }
  throw new Error('expected a problem');
}

describe('validRequest', () => {
  it('returns the typed instance of a valid body', () => {
    const payment = validRequest(Payment, { reference: 'r-1', amount: { fen: 500 } });
    expect(payment).toBeInstanceOf(Payment);
    expect(payment.amount).toBeInstanceOf(Amount);
  });

  it('names every invalid field, nested ones with a dotted path', () => {
    const problem = problemOf(() => validRequest(Payment, { reference: 7, amount: { fen: 0 } }));
    expect(problem).toBeInstanceOf(ProblemException);
    expect(problem.status).toBe(400);
    expect(problem.errors!.map((e) => e.field).sort()).toEqual(['amount.fen', 'reference']);
  });

  it.each([[null], [[]], ['text'], [undefined]])('refuses a body that is not a JSON object (%p)', (body) => {
    expect(problemOf(() => validRequest(Payment, body)).errors).toEqual([{ field: '', message: 'the body must be a JSON object' }]);
  });
});

import fc from 'fast-check';
import { taskKey, taskKeyPart, taskKeyPrefix } from './scheduled-tasks';

describe('task keys', () => {
  it("escapes '/' and '%' in each part, so parts only ever split at their own separators", () => {
    expect(taskKeyPart('m/x%2F')).toBe('m%2Fx%252F');
    expect(taskKey('m/x', '2026-12-08T02:00:00.000Z')).toBe('m%2Fx/2026-12-08T02:00:00.000Z');
    expect(taskKey('m', 'x/2026-12-08T02:00:00.000Z')).not.toBe(taskKey('m/x', '2026-12-08T02:00:00.000Z'));
  });

  it("gives one merchant's prefix to its own keys only (merchant m, merchant m/x)", () => {
    expect(taskKey('m', '2026-12-08T02:00:00.000Z').startsWith(taskKeyPrefix('m'))).toBe(true);
    expect(taskKey('m/x', '2026-12-08T02:00:00.000Z').startsWith(taskKeyPrefix('m'))).toBe(false);
  });

  it('never makes one key from two different lists of parts (property)', () => {
    const part = fc.string({ unit: fc.constantFrom('a', '/', '%', '2', 'F', 'x'), maxLength: 6 });
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), fc.array(part, { minLength: 1, maxLength: 4 }), (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        expect(taskKey(...a)).not.toBe(taskKey(...b));
        if (a.length < b.length && JSON.stringify(b.slice(0, a.length)) !== JSON.stringify(a)) expect(taskKey(...b).startsWith(taskKeyPrefix(...a))).toBe(false);
      }),
    );
  });
});

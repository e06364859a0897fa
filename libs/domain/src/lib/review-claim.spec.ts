import { blockingClaim } from './review-claim';

describe('review claims', () => {
  it('lets anyone act on an unclaimed item, and the holder on their own', () => {
    for (const kind of ['DECIDE', 'RELEASE'] as const) {
      expect(blockingClaim(null, 'li', { kind })).toBeNull();
      expect(blockingClaim('li', 'li', { kind })).toBeNull();
    }
    expect(blockingClaim(null, 'li', { kind: 'CLAIM', holder: 'li' })).toBeNull();
    expect(blockingClaim(null, 'li', { kind: 'CLAIM', holder: 'wang' })).toBeNull();
  });

  it("stops another reviewer deciding or releasing the holder's item, naming the holder", () => {
    expect(blockingClaim('li', 'wang', { kind: 'DECIDE' })).toBe('li');
    expect(blockingClaim('li', 'wang', { kind: 'RELEASE' })).toBe('li');
  });

  it('lets the holder hand it on, and anyone assign it to whoever holds it already; nobody else takes it', () => {
    expect(blockingClaim('li', 'li', { kind: 'CLAIM', holder: 'wang' })).toBeNull();
    expect(blockingClaim('wang', 'li', { kind: 'CLAIM', holder: 'wang' })).toBeNull();
    expect(blockingClaim('li', 'wang', { kind: 'CLAIM', holder: 'wang' })).toBe('li');
    expect(blockingClaim('li', 'wang', { kind: 'CLAIM', holder: 'zhao' })).toBe('li');
  });
});

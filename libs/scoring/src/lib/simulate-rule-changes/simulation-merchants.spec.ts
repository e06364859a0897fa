import type { MerchantDifference, MerchantJudgement } from '@penalty/domain';
import { pageOfDifferences } from './simulation-merchants';

const judgement = (general: number, serious: number, finesFen: number): MerchantJudgement => ({
  marketplace: 'tmall',
  merchantId: '',
  years: [{ naturalYear: 2026, points: { GENERAL: general, SERIOUS: serious }, nodes: [] }],
  sanctions: [],
  finesFen,
  depositForfeitures: 0,
  depositRequirementFen: null,
  forgery: [],
});
const difference = (merchantId: string, before: [number, number, number], after: [number, number, number]): MerchantDifference => ({
  marketplace: 'tmall',
  merchantId,
  before: { ...judgement(...before), merchantId },
  after: { ...judgement(...after), merchantId },
});

describe('a page of the merchants a simulation changes', () => {
  const rows = [
    difference('m-b', [0, 12, 2_000_000], [0, 6, 0]),
    difference('m-a', [3, 0, 0], [6, 0, 0]),
    difference('m-c', [0, 6, 0], [0, 12, 2_000_000]),
    difference('m-d', [1, 0, 0], [4, 0, 0]),
  ];
  const ids = (page: MerchantDifference[]) => page.map((d) => d.merchantId);

  it('sorts by merchant id either way and cuts the page', () => {
    expect(ids(pageOfDifferences(rows, { sort: 'merchantId', order: 'asc', limit: 2, offset: 0 }))).toEqual(['m-a', 'm-b']);
    expect(ids(pageOfDifferences(rows, { sort: 'merchantId', order: 'asc', limit: 2, offset: 2 }))).toEqual(['m-c', 'm-d']);
    expect(ids(pageOfDifferences(rows, { sort: 'merchantId', order: 'desc', limit: 10, offset: 0 }))).toEqual(['m-d', 'm-c', 'm-b', 'm-a']);
    expect(pageOfDifferences(rows, { sort: 'merchantId', order: 'asc', limit: 10, offset: 4 })).toEqual([]);
  });

  it('sorts by the change of points per track or of fines, ties by merchant id', () => {
    expect(ids(pageOfDifferences(rows, { sort: 'serious', order: 'asc', limit: 10, offset: 0 }))).toEqual(['m-b', 'm-a', 'm-d', 'm-c']);
    expect(ids(pageOfDifferences(rows, { sort: 'general', order: 'desc', limit: 10, offset: 0 }))).toEqual(['m-a', 'm-d', 'm-b', 'm-c']);
    expect(ids(pageOfDifferences(rows, { sort: 'fines', order: 'desc', limit: 1, offset: 0 }))).toEqual(['m-c']);
  });

  it('leaves the report it pages unchanged', () => {
    const before = rows.map((d) => d.merchantId);
    pageOfDifferences(rows, { sort: 'fines', order: 'asc', limit: 10, offset: 0 });
    expect(rows.map((d) => d.merchantId)).toEqual(before);
  });
});

import { DataSource } from 'typeorm';
import { openServiceDatabase, PIPELINE_MIGRATIONS } from '@penalty/persistence';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, serveControllers, type Infrastructure, type ServedControllers } from '@penalty/testing';
import { NOTIFICATION_MIGRATIONS } from '../notification.migration';
import { NotificationRepository } from '../notification.repository';
import { NotificationReads } from './notification-reads';
import { NotificationsController } from './notifications.controller';

/**
 * A merchant's notifications table over HTTP on a real PostgreSQL: newest first by default (the cursor
 * still pages it), sorted each way by channel, template, status and attempts, filtered by channel and
 * status, paged by offset with the total over every page; a bad sort key, a `before` with another sort
 * or a page size out of bounds is a 400 problem naming the field.
 */
describe("a merchant's notifications table (real PostgreSQL, over HTTP)", () => {
  const databaseName = `notification_table_${runId()}`;
  let infrastructure: Infrastructure;
  let ds: DataSource;
  let http: ServedControllers;
  const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

  beforeAll(async () => {
    infrastructure = await obtainInfrastructure();
    const url = await createFreshDatabase(infrastructure.databaseUrl, databaseName);
    ds = await openServiceDatabase({ url, schema: 'notification', migrations: [...PIPELINE_MIGRATIONS, ...NOTIFICATION_MIGRATIONS], poolSize: 2 });
    const row = (n: number, merchant: string, channel: string, template: string, status: string, attempts: number, minute: number) =>
      ds.query(
        `INSERT INTO notification (notification_id, merchant_id, channel, template, cause_event_id, cause_type, title, body, payload, status, attempts, created_at, delivered_at)
         VALUES ($1, $2, $3, $4, $5, 'sanction.imposed.v1', 'title', 'body', '{}', $6, $7, $8, NULL)`,
        [id(n), merchant, channel, template, `e-${n}`, status, attempts, new Date(Date.UTC(2026, 10, 23, 2, minute))],
      );
    await row(1, 'm-1', 'INBOX', 'sanction-imposed', 'DELIVERED', 0, 1);
    await row(2, 'm-1', 'EMAIL', 'sanction-imposed', 'FAILED', 5, 2);
    await row(3, 'm-1', 'WEBHOOK', 'points-assessed', 'PENDING', 2, 3);
    await row(4, 'm-1', 'SMS', 'appeal-decided', 'DELIVERED', 1, 4);
    await row(5, 'm-1', 'EMAIL', 'appeal-decided', 'DELIVERED', 1, 5);
    await row(6, 'm-2', 'EMAIL', 'appeal-decided', 'DELIVERED', 1, 6);
    http = await serveControllers([NotificationsController], [{ provide: DataSource, useValue: ds }, NotificationRepository, NotificationReads]);
  }, 120_000);

  afterAll(async () => {
    await http?.close();
    await ds?.destroy();
    if (infrastructure) await dropDatabase(infrastructure.databaseUrl, databaseName);
    await infrastructure?.stop();
  });

  const numbers = async (query: string) => {
    const { status, body } = await http.get(`/v1/merchants/m-1/notifications?${query}`);
    expect(status).toBe(200);
    return (body.items as { notificationId: string }[]).map((n) => Number(n.notificationId.slice(-1)));
  };

  it('answers newest first with the total, limit and offset, and the cursor still pages that order', async () => {
    const first = (await http.get('/v1/merchants/m-1/notifications?limit=2')).body;
    expect(first).toMatchObject({ merchantId: 'm-1', total: 5, limit: 2, offset: 0, nextBefore: id(4) });
    expect(first.items.map((n: { notificationId: string }) => n.notificationId)).toEqual([id(5), id(4)]);
    expect(await numbers(`limit=2&before=${id(4)}`)).toEqual([3, 2]);
    // The inbox is unchanged: INBOX rows only.
    expect((await http.get('/v1/merchants/m-1/inbox')).body.items.map((n: { notificationId: string }) => n.notificationId)).toEqual([id(1)]);
  });

  it('sorts by channel, template, status and attempts each way, ties newest first; no cursor then', async () => {
    expect(await numbers('sort=channel&order=asc')).toEqual([5, 2, 1, 4, 3]);
    expect(await numbers('sort=channel&order=desc')).toEqual([3, 4, 1, 5, 2]);
    expect(await numbers('sort=template')).toEqual([5, 4, 3, 2, 1]);
    expect(await numbers('sort=status&order=desc')).toEqual([3, 2, 5, 4, 1]);
    expect(await numbers('sort=attempts')).toEqual([2, 3, 5, 4, 1]);
    expect(await numbers('sort=createdAt&order=asc')).toEqual([1, 2, 3, 4, 5]);
    expect((await http.get('/v1/merchants/m-1/notifications?sort=channel&limit=2')).body.nextBefore).toBeNull();
  });

  it('filters by channel and status, with the total of the filter', async () => {
    expect(await numbers('channel=EMAIL')).toEqual([5, 2]);
    expect(await numbers('status=DELIVERED')).toEqual([5, 4, 1]);
    expect((await http.get('/v1/merchants/m-1/notifications?channel=EMAIL&status=DELIVERED')).body).toMatchObject({ total: 1, items: [{ notificationId: id(5), channel: 'EMAIL', status: 'DELIVERED', attempts: 1 }] });
  });

  it('pages by offset with the total over every page; a page past the end is empty but counted', async () => {
    expect((await http.get('/v1/merchants/m-1/notifications?sort=attempts&order=asc&limit=2&offset=2')).body).toMatchObject({ items: [{ notificationId: id(4) }, { notificationId: id(3) }], total: 5, limit: 2, offset: 2 });
    expect((await http.get('/v1/merchants/m-1/notifications?limit=2&offset=10')).body).toEqual({ merchantId: 'm-1', items: [], nextBefore: null, total: 5, limit: 2, offset: 10 });
  });

  it.each([
    ['sort=title', 'sort'],
    ['sort=created_at%3B%20DROP%20TABLE%20notification', 'sort'],
    ['order=newest', 'order'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['offset=10001', 'offset'],
    ['channel=PIGEON', 'channel'],
    ['status=LOST', 'status'],
    [`sort=status&before=${id(4)}`, 'before'],
  ])('answers %s with a 400 problem naming %s', async (query, field) => {
    const { status, contentType, body } = await http.get(`/v1/merchants/m-1/notifications?${query}`);
    expect(status).toBe(400);
    expect(contentType).toContain('application/problem+json');
    expect(body).toMatchObject({ status: 400, code: 'REQUEST.INVALID' });
    expect(new Set(body.errors.map((e: { field: string }) => e.field))).toEqual(new Set([field]));
  });
});

import { buildCloudEvent, EventTypes, goldenFixture, Topics, type CloudEvent } from '@penalty/contracts';
import { FixedClock, RuleBook } from '@penalty/domain';
import type { InboxBatch, TransactionalInbox, Tx } from '@penalty/messaging';
import { HandlerTestbed, obtainInfrastructure, runId, TopicRecorder } from '@penalty/testing';
import { PendingDeliveries } from '../delivery/pending-deliveries';
import { MerchantContactRepository } from '../merchant-contact.repository';
import type { NotificationConfig } from '../notification.config';
import { NOTIFICATION_MIGRATIONS } from '../notification.migration';
import { NotificationRepository } from '../notification.repository';
import { NotificationReads } from '../read-notifications/notification-reads';
import { RecordMerchantContactHandler } from '../record-contact/record-merchant-contact.handler';
import { NotifyMerchantHandler } from './notify-merchant.handler';
import { NotificationRecorder } from './record-notifications';

const NOW = '2026-11-23T10:00:00+08:00';
let merchants = 0;
const aMerchant = () => `m-${runId()}-${++merchants}`;

const profile = (merchantId: string, contact: Record<string, string>, time = '2026-11-01T09:00:00+08:00') =>
  buildCloudEvent({ type: EventTypes.MerchantProfileUpdatedV1, source: 'merchant-center', subject: merchantId, time, data: { merchantId, storeType: 'FLAGSHIP', trademarkStatus: 'R', categories: [], examEligible: false, contact } });
const assessed = (merchantId: string, violationId: string, points = 3) =>
  buildCloudEvent({
    type: EventTypes.PenaltyAssessedV1,
    source: 'scoring-service',
    subject: merchantId,
    time: NOW,
    data: { assessmentId: `a-${violationId}`, violationId, merchantId, track: 'GENERAL', points, waiver: null, naturalYear: 2026, totals: { general: points, serious: 0 }, ruleVersion: '2022-06-27' },
  });
const imposed = (merchantId: string, sanctionId: string) =>
  buildCloudEvent({
    type: EventTypes.SanctionImposedV1,
    source: 'sanction-service',
    subject: merchantId,
    time: NOW,
    data: { sanctionId, merchantId, cause: { kind: 'LADDER_NODE', track: 'SERIOUS', node: 12, naturalYear: 2026, violationIds: ['v-1'] }, measures: [], fine: null, ruleVersion: '2022-06-27', appealDeadline: '2026-12-08T10:00:00+08:00' },
  });
const appeal = (merchantId: string, sanctionId: string, data: Record<string, unknown>) =>
  buildCloudEvent({
    type: EventTypes.AppealUpdatedV1,
    source: 'sanction-service',
    subject: merchantId,
    time: NOW,
    data: { ...goldenFixture(EventTypes.AppealUpdatedV1).data, merchantId, subject: { kind: 'SANCTION', id: sanctionId }, ...data },
  });
const filed = (merchantId: string, sanctionId: string) => appeal(merchantId, sanctionId, { status: 'PENDING', rejectionReason: null, secondAppealClosesAt: null });
const rejected = (merchantId: string, sanctionId: string, secondAppealClosesAt: string) => appeal(merchantId, sanctionId, { status: 'REJECTED', secondAppealClosesAt });

/** Counts the statements a handler sends in its batch's transaction (through tx and its manager). */
function counted(batch: InboxBatch, count: { statements: number }): InboxBatch {
  const { tx } = batch;
  const manager = new Proxy(tx.manager, {
    get: (target, property, receiver) =>
      property === 'query'
        ? (...args: Parameters<typeof target.query>) => {
            count.statements++;
            return target.query(...args);
          }
        : Reflect.get(target, property, receiver),
  });
  const countedTx: Tx = {
    manager,
    query: (sql, params) => {
      count.statements++;
      return tx.query(sql, params);
    },
    append: (entry) => tx.append(entry),
    publish: (topic, event) => tx.publish(topic, event),
    afterCommit: (fn) => tx.afterCommit(fn),
  };
  return { ...batch, tx: countedTx };
}

/**
 * Notifying merchants a batch at a time, on real PostgreSQL and Kafka: a merchant's decisions are told
 * in order (rows and notification.sent.v1); a profile earlier in the batch changes the contact of the
 * decisions after it; repeats and rejections affect only themselves; reminders are scheduled and
 * cancelled in one batch as the events say, in order; two replicas applying the same batches at once
 * double nothing. And each table is written once per batch, whatever the batch's size.
 */
describe('notify merchants, a batch at a time (real PostgreSQL and Kafka)', () => {
  const clock = new FixedClock(NOW);
  const testbed = new HandlerTestbed({
    schema: 'notification',
    migrations: NOTIFICATION_MIGRATIONS,
    topics: [Topics.PenaltiesAssessedV1, Topics.SanctionsDecidedV1, Topics.RemediesUpdatedV1, Topics.MerchantsProfilesV1, Topics.NotificationsSentV1],
    clock,
  });
  let replicas: { inbox: TransactionalInbox; notify: NotifyMerchantHandler; recordContacts: RecordMerchantContactHandler }[];
  let deadLetters: TopicRecorder;

  beforeAll(async () => {
    await testbed.start(2);
    // Each replica's handlers, over its own data source.
    replicas = testbed.replicas.map(({ inbox, dataSource }) => {
      const contacts = new MerchantContactRepository(dataSource);
      const recorder = new NotificationRecorder(new NotificationRepository(dataSource), new PendingDeliveries());
      return { inbox, notify: new NotifyMerchantHandler(clock, new RuleBook(), {} as NotificationConfig, contacts, recorder), recordContacts: new RecordMerchantContactHandler(contacts) };
    });
    deadLetters = new TopicRecorder((await obtainInfrastructure()).kafkaBrokers, [`${testbed.namespace}${Topics.PenaltiesAssessedV1}.dlq`]);
    await deadLetters.start();
  }, 120_000);

  afterAll(async () => {
    await deadLetters?.stop();
    await testbed.stop();
  });

  const batch = (topic: string, events: CloudEvent<object>[]) => testbed.batch(topic, events);
  const notify = (events: CloudEvent<object>[], replica = 0, topic: string = Topics.PenaltiesAssessedV1) => replicas[replica].inbox.apply(batch(topic, events), (b) => replicas[replica].notify.handle(b));
  const recordContacts = (events: CloudEvent<object>[]) => replicas[0].inbox.apply(batch(Topics.MerchantsProfilesV1, events), (b) => replicas[0].recordContacts.handle(b));
  const rows = <T = Record<string, any>>(sql: string, params: unknown[] = []): Promise<T[]> => testbed.rows<T>(sql, params);
  const notificationsOf = (merchantId: string) =>
    rows<{ cause_event_id: string; channel: string; status: string; template: string }>(
      'SELECT cause_event_id, channel, status, template FROM notification WHERE merchant_id = $1 ORDER BY created_at, notification_id',
      [merchantId],
    );
  const sentOf = (merchantId: string) => testbed.published(Topics.NotificationsSentV1, EventTypes.NotificationSentV1).filter((e) => e.subject === merchantId).map((e) => e.data);
  const waitForSent = (merchantId: string, count: number) => testbed.recorder.waitFor((m) => m.key === merchantId && m.topic === `${testbed.namespace}${Topics.NotificationsSentV1}`, count, 15_000);
  const remindersOf = (merchantId: string) =>
    rows<{ task_key: string; cancelled: boolean }>('SELECT task_key, cancelled_at IS NOT NULL AS cancelled FROM scheduled_task WHERE merchant_id = $1 ORDER BY task_key', [merchantId]);
  const settle = () => new Promise((r) => setTimeout(r, 1_000));

  it("tells a merchant's decisions of one batch in order, rows and notification.sent.v1, in a statement per table", async () => {
    const merchantId = aMerchant();
    const other = aMerchant();
    await recordContacts([profile(merchantId, { webhookUrl: `https://${merchantId}.example/hooks`, locale: 'en' })]);
    const events = [assessed(merchantId, `v-${merchantId}-1`), imposed(merchantId, `s-${merchantId}-1`), assessed(other, `v-${other}-1`), assessed(merchantId, `v-${merchantId}-2`), imposed(merchantId, `s-${merchantId}-2`)];
    const count = { statements: 0 };
    expect(await replicas[0].inbox.apply(batch(Topics.PenaltiesAssessedV1, events), (b) => replicas[0].notify.handle(counted(b, count)))).toEqual({ applied: 5, duplicates: 0, rejected: 0 });
    // Contacts read, notifications written, reminders scheduled: one statement each (no deadline closed, no profile).
    expect(count.statements).toBe(3);

    const mine = [events[0], events[1], events[3], events[4]];
    expect(await notificationsOf(merchantId)).toEqual(
      mine.flatMap((e) => [
        { cause_event_id: e.id, channel: 'INBOX', status: 'DELIVERED', template: e.type === 'sanction.imposed.v1' ? 'sanction-imposed' : 'penalty-assessed' },
        { cause_event_id: e.id, channel: 'WEBHOOK', status: 'PENDING', template: e.type === 'sanction.imposed.v1' ? 'sanction-imposed' : 'penalty-assessed' },
      ]),
    );
    await waitForSent(merchantId, 4);
    expect(sentOf(merchantId).map((d) => [d.causeEventId, d.channel, d.status, d.attempts])).toEqual(mine.map((e) => [e.id, 'INBOX', 'DELIVERED', 1]));
    expect((await notificationsOf(other)).map((n) => n.channel)).toEqual(['INBOX']);

    // The merchant's inbox, newest first, follows the batch's order back.
    const inbox = await new NotificationReads(new NotificationRepository(testbed.dataSource)).inbox({ merchantId, limit: 10 });
    expect(inbox.items.map((i) => i.causeEventId)).toEqual([...mine].reverse().map((e) => e.id));
    expect((await remindersOf(merchantId)).filter((r) => !r.cancelled)).toHaveLength(8);
  });

  it('keeps the event as published only on the webhook row, and the table refuses a webhook row without it', async () => {
    const merchantId = aMerchant();
    await recordContacts([profile(merchantId, { webhookUrl: `https://${merchantId}.example/hooks`, locale: 'en' })]);
    const decision = assessed(merchantId, `v-${merchantId}-1`);
    await notify([decision]);
    const stored = await rows<{ channel: string; payload: string | null }>('SELECT channel, payload FROM notification WHERE merchant_id = $1 ORDER BY channel', [merchantId]);
    expect(stored.map((r) => [r.channel, r.payload === null ? null : JSON.parse(r.payload).id])).toEqual([['INBOX', null], ['WEBHOOK', decision.id]]);
    await expect(
      rows(
        `INSERT INTO notification (notification_id, merchant_id, channel, template, cause_event_id, cause_type, title, body, payload, status, attempts, next_attempt_at, created_at)
         VALUES (gen_random_uuid(), $1, 'WEBHOOK', 'penalty-assessed', $2, 'penalty.assessed.v1', 't', 'b', NULL, 'PENDING', 0, now(), now())`,
        [merchantId, `no-payload-${merchantId}`],
      ),
    ).rejects.toThrow(/notification_webhook_payload/);
  });

  it('tells a decision on the contact of a profile earlier in the same batch', async () => {
    const merchantId = aMerchant();
    await recordContacts([profile(merchantId, { locale: 'zh-CN' })]);
    const decision = assessed(merchantId, `v-${merchantId}-1`);
    const count = { statements: 0 };
    await replicas[0].inbox.apply(batch(Topics.PenaltiesAssessedV1, [profile(merchantId, { webhookUrl: `https://${merchantId}.example/new`, locale: 'en' }, '2026-11-20T09:00:00+08:00'), decision]), (b) =>
      replicas[0].notify.handle(counted(b, count)),
    );
    expect(count.statements).toBe(4);
    expect((await notificationsOf(merchantId)).map((n) => n.channel)).toEqual(['INBOX', 'WEBHOOK']);
    expect(await rows('SELECT webhook_url, locale FROM merchant_contact WHERE merchant_id = $1', [merchantId])).toEqual([{ webhook_url: `https://${merchantId}.example/new`, locale: 'en' }]);
    expect(await rows(`SELECT title FROM notification WHERE merchant_id = $1 AND channel = 'INBOX'`, [merchantId])).toEqual([{ title: 'Penalty points assessed' }]);
  });

  it('notifies a decision repeated inside one batch once, and a batch delivered again changes nothing', async () => {
    const merchantId = aMerchant();
    const [first, second] = [assessed(merchantId, `v-${merchantId}-1`), assessed(merchantId, `v-${merchantId}-2`)];
    expect(await notify([first, first, second])).toEqual({ applied: 2, duplicates: 1, rejected: 0 });
    expect(await notify([first, second])).toEqual({ applied: 0, duplicates: 2, rejected: 0 });
    expect((await notificationsOf(merchantId)).map((n) => n.cause_event_id)).toEqual([first.id, second.id]);
    await waitForSent(merchantId, 2);
    await settle();
    expect(sentOf(merchantId).map((d) => d.causeEventId)).toEqual([first.id, second.id]);
    expect(await remindersOf(merchantId)).toHaveLength(4);
  });

  it('dead-letters an event it cannot notify alone, and applies the rest of the batch', async () => {
    const merchantId = aMerchant();
    const unknown = buildCloudEvent({
      type: EventTypes.NotificationSentV1,
      source: 'elsewhere',
      subject: merchantId,
      time: NOW,
      data: { notificationId: 'n-1', merchantId, channel: 'INBOX', template: 'x', causeEventId: 'c-1', status: 'DELIVERED', attempts: 1 },
    });
    const [before, after] = [assessed(merchantId, `v-${merchantId}-1`), imposed(merchantId, `s-${merchantId}-1`)];
    expect(await notify([before, unknown, after])).toEqual({ applied: 2, duplicates: 0, rejected: 1 });
    expect((await notificationsOf(merchantId)).map((n) => n.cause_event_id)).toEqual([before.id, after.id]);
    expect(await rows('SELECT outcome FROM processed_event WHERE event_id = $1', [unknown.id])).toEqual([{ outcome: 'DEAD_LETTERED' }]);
    const [dead] = await deadLetters.waitFor((m) => m.headers['x-dlq-source-topic'] === Topics.PenaltiesAssessedV1 && m.value.includes(unknown.id), 1, 15_000);
    expect(dead.headers).toMatchObject({ 'x-dlq-reason': 'REJECTED', 'x-dlq-code': 'NOTIFICATION.UNKNOWN_CAUSE', 'x-dlq-message': 'no notification for notification.sent.v1' });
    await waitForSent(merchantId, 2);
    expect(sentOf(merchantId).map((d) => d.causeEventId)).toEqual([before.id, after.id]);
  });

  it('schedules and cancels reminders in one batch as its events say, in order', async () => {
    const merchantId = aMerchant();
    const [s1, s2, s3] = [1, 2, 3].map((n) => `s-${merchantId}-${n}`);
    await notify([imposed(merchantId, s1)], 0, Topics.SanctionsDecidedV1);
    expect((await remindersOf(merchantId)).map((r) => [r.task_key, r.cancelled])).toEqual([
      [`APPEAL_WINDOW/${merchantId}/${s1}/2026-12-08T02:00:00.000Z/1d`, false],
      [`APPEAL_WINDOW/${merchantId}/${s1}/2026-12-08T02:00:00.000Z/7d`, false],
    ]);

    // s1: appealed (its window's reminders cancelled), then rejected (the second window's scheduled);
    // s2: imposed (scheduled); s3: imposed and appealed within the batch (never scheduled).
    const count = { statements: 0 };
    const events = [imposed(merchantId, s2), filed(merchantId, s1), rejected(merchantId, s1, '2026-12-20T10:00:00+08:00'), imposed(merchantId, s3), filed(merchantId, s3)];
    await replicas[0].inbox.apply(batch(Topics.RemediesUpdatedV1, events), (b) => replicas[0].notify.handle(counted(b, count)));
    // Contacts, notifications, one cancellation, one schedule.
    expect(count.statements).toBe(4);
    expect((await remindersOf(merchantId)).map((r) => [r.task_key, r.cancelled])).toEqual([
      [`APPEAL_WINDOW/${merchantId}/${s1}/2026-12-08T02:00:00.000Z/1d`, true],
      [`APPEAL_WINDOW/${merchantId}/${s1}/2026-12-08T02:00:00.000Z/7d`, true],
      [`APPEAL_WINDOW/${merchantId}/${s1}/2026-12-20T02:00:00.000Z/round-2/1d`, false],
      [`APPEAL_WINDOW/${merchantId}/${s1}/2026-12-20T02:00:00.000Z/round-2/7d`, false],
      [`APPEAL_WINDOW/${merchantId}/${s2}/2026-12-08T02:00:00.000Z/1d`, false],
      [`APPEAL_WINDOW/${merchantId}/${s2}/2026-12-08T02:00:00.000Z/7d`, false],
    ]);
    expect(await rows('SELECT payload FROM scheduled_task WHERE task_key = $1', [`APPEAL_WINDOW/${merchantId}/${s1}/2026-12-20T02:00:00.000Z/round-2/7d`])).toEqual([
      { payload: { deadlineKind: 'APPEAL_WINDOW', closesAt: '2026-12-20T02:00:00.000Z', reference: s1, referenceKind: 'SANCTION', leadDays: 7 } },
    ]);
    expect((await notificationsOf(merchantId)).map((n) => n.template)).toEqual(['sanction-imposed', 'sanction-imposed', 'appeal-filed', 'appeal-rejected', 'sanction-imposed', 'appeal-filed']);
  });

  it("reminds a second appeal's window that closes when the first did (its reminders are not the first window's, cancelled)", async () => {
    const merchantId = aMerchant();
    const sanctionId = `s-${merchantId}-1`;
    await notify([imposed(merchantId, sanctionId)], 0, Topics.SanctionsDecidedV1);
    await notify([filed(merchantId, sanctionId)], 0, Topics.RemediesUpdatedV1);
    // Rejected early: the second appeal may be filed until the original window closes.
    await notify([rejected(merchantId, sanctionId, '2026-12-08T10:00:00+08:00')], 0, Topics.RemediesUpdatedV1);
    expect((await remindersOf(merchantId)).map((r) => [r.task_key, r.cancelled])).toEqual([
      [`APPEAL_WINDOW/${merchantId}/${sanctionId}/2026-12-08T02:00:00.000Z/1d`, true],
      [`APPEAL_WINDOW/${merchantId}/${sanctionId}/2026-12-08T02:00:00.000Z/7d`, true],
      [`APPEAL_WINDOW/${merchantId}/${sanctionId}/2026-12-08T02:00:00.000Z/round-2/1d`, false],
      [`APPEAL_WINDOW/${merchantId}/${sanctionId}/2026-12-08T02:00:00.000Z/round-2/7d`, false],
    ]);
  });

  it('doubles nothing when two replicas apply the same batches at once', async () => {
    const ids = [aMerchant(), aMerchant(), aMerchant()];
    await recordContacts(ids.map((merchantId) => profile(merchantId, { webhookUrl: `https://${merchantId}.example/hooks` })));
    const events = ids.flatMap((merchantId) => [assessed(merchantId, `v-${merchantId}-1`), imposed(merchantId, `s-${merchantId}-1`), filed(merchantId, `s-${merchantId}-1`)]);
    // Each replica gets the batch (a rebalance hands a partition over while the old owner still works), and a part of it again.
    const results = await Promise.all([notify(events, 0, Topics.RemediesUpdatedV1), notify(events, 1, Topics.RemediesUpdatedV1), notify(events.slice(3), 1, Topics.RemediesUpdatedV1), notify(events.slice(0, 4), 0, Topics.RemediesUpdatedV1)]);
    expect(results.reduce((sum, r) => sum + r.applied, 0)).toBe(events.length);
    expect(results.reduce((sum, r) => sum + r.rejected, 0)).toBe(0);

    for (const merchantId of ids) {
      const mine = events.filter((e) => e.subject === merchantId);
      expect((await notificationsOf(merchantId)).map((n) => [n.cause_event_id, n.channel])).toEqual(mine.flatMap((e) => [[e.id, 'INBOX'], [e.id, 'WEBHOOK']]));
      // The penalty's window is reminded; the sanction's was appealed in the batch that imposed it.
      expect(await remindersOf(merchantId)).toEqual([
        { task_key: `APPEAL_WINDOW/${merchantId}/v-${merchantId}-1/2026-12-08T02:00:00.000Z/1d`, cancelled: false },
        { task_key: `APPEAL_WINDOW/${merchantId}/v-${merchantId}-1/2026-12-08T02:00:00.000Z/7d`, cancelled: false },
      ]);
      await waitForSent(merchantId, 3);
    }
    await settle();
    for (const merchantId of ids) expect(sentOf(merchantId).map((d) => d.causeEventId)).toEqual(events.filter((e) => e.subject === merchantId).map((e) => e.id));
  });
});

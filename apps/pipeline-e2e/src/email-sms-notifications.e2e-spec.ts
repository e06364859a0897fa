import { createServer, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, freePort, PipelineStack, TopicRecorder, type RecordedMessage } from '@penalty/testing';

interface ReceivedMail {
  to: string[];
  raw: string;
}

/** Decodes an RFC 2047 encoded-word header value (what nodemailer writes for non-ASCII subjects). */
function decodeHeader(value: string): string {
  return value.replace(/=\?UTF-8\?B\?([^?]+)\?=\s*/gi, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8')).trim();
}

function header(raw: string, name: string): string | undefined {
  const unfolded = raw.split(/\r\n\r\n/)[0].replace(/\r\n[ \t]+/g, ' ');
  return unfolded.split(/\r\n/).find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim();
}

/**
 * The EMAIL channel against a real SMTP server (delivered mail, a refused recipient ending FAILED) and the
 * SMS channel against a stub HTTP provider.
 */
describe('e-mail and SMS notifications (real SMTP, Kafka, PostgreSQL)', () => {
  const mails: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.endsWith('@bounce.example')) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  const texts: { authorization?: string; body: { to: string; text: string; reference: string } }[] = [];
  const smsProvider: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      texts.push({ authorization: req.headers.authorization, body: JSON.parse(body) });
      res.statusCode = 202;
      res.end();
    });
  });
  let stack: PipelineStack;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    const port = await freePort();
    await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
    const smsPort = await freePort();
    await new Promise<void>((resolve) => smsProvider.listen(smsPort, '127.0.0.1', resolve));
    stack = new PipelineStack({
      apps: ['scoring-service', 'notification-service'],
      env: { SMS_PROVIDER_URL: `http://127.0.0.1:${smsPort}/messages`, SMS_PROVIDER_TOKEN: 'sms-test-token', SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Penalty Platform <no-reply@penalty.test>', WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_RETRY_BASE_MS: '100' },
    });
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, [stack.topic(Topics.NotificationsSentV1)]);
    await recorder.start();
  }, 300_000);

  afterAll(async () => {
    await recorder?.stop();
    await stack?.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await new Promise<void>((resolve) => smsProvider.close(() => resolve()));
  });

  const sentTo = (merchantId: string) => (m: RecordedMessage) => m.key === merchantId && m.json?.type === 'notification.sent.v1';

  it('mails each decision to the merchant\'s address, with the notification id for deduplication', async () => {
    const merchantId = aMerchantId('mail');
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId, email: `owner@${merchantId}.example` })]);
    await new Promise((r) => setTimeout(r, 1_000));
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'STANDARD' })]);
    const sent = await recorder.waitFor(sentTo(merchantId), 2);
    const email = sent.find((m) => m.json!.data.channel === 'EMAIL')!.json!.data;
    expect(email).toMatchObject({ status: 'DELIVERED', attempts: 1, template: 'penalty-assessed' });
    expect(sent.find((m) => m.json!.data.channel === 'INBOX')!.json!.data.status).toBe('DELIVERED');

    const mail = mails.find((m) => m.to.includes(`owner@${merchantId}.example`))!;
    expect(mail).toBeDefined();
    expect(header(mail.raw, 'X-Penalty-Notification-Id')).toBe(email.notificationId);
    expect(decodeHeader(header(mail.raw, 'Subject')!)).toBe('违规扣分通知');
    expect(header(mail.raw, 'From')).toContain('no-reply@penalty.test');
  });

  it('marks an e-mail FAILED after the last attempt when the server refuses the recipient', async () => {
    const merchantId = aMerchantId('bounce');
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId, email: `nobody@bounce.example` })]);
    await new Promise((r) => setTimeout(r, 1_000));
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR' })]);
    const sent = await recorder.waitFor(sentTo(merchantId), 2);
    expect(sent.find((m) => m.json!.data.channel === 'EMAIL')!.json!.data).toMatchObject({ status: 'FAILED', attempts: 3 });
    const listing = (await (await fetch(`${stack.service('notification-service').baseUrl}/v1/merchants/${merchantId}/notifications`, { headers: await stack.operatorHeaders('viewer') })).json()) as { items: Record<string, unknown>[] };
    expect(listing.items.find((n) => n.channel === 'EMAIL')).toMatchObject({ status: 'FAILED', attempts: 3 });
  });

  it('texts each decision to the merchant\'s phone through the SMS provider, in the merchant\'s language, with the notification id as reference', async () => {
    const merchantId = aMerchantId('sms');
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId, phone: '+8613800138000', locale: 'en' })]);
    await new Promise((r) => setTimeout(r, 1_000));
    const event = aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'STANDARD' });
    await stack.publish(Topics.ViolationsDetectedV1, [event]);
    const sent = await recorder.waitFor(sentTo(merchantId), 2);
    const sms = sent.find((m) => m.json!.data.channel === 'SMS')!.json!.data;
    expect(sms).toMatchObject({ status: 'DELIVERED', attempts: 1 });
    const text = texts.find((t) => t.body.reference === sms.notificationId)!;
    expect(text.authorization).toBe('Bearer sms-test-token');
    expect(text.body.to).toBe('+8613800138000');
    // The merchant chose English: the text is the English template.
    expect(text.body.text).toBe(`Violation ${event.data.violationId} was assessed: 3 GENERAL point(s). Totals for 2026: general 3, serious 0.`);
  });
});

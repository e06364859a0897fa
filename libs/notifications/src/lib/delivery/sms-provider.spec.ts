import { createServer, type Server } from 'node:http';
import { HttpSmsProvider, SMS_MAX_LENGTH } from './sms-provider';

describe('HttpSmsProvider', () => {
  let server: Server;
  let url: string;
  let answer = 202;
  const received: { to: string; text: string; reference: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.statusCode = answer;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/sms`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('accepts on 2xx and cuts a long text to the SMS limit', async () => {
    answer = 202;
    const provider = new HttpSmsProvider(url, undefined, 2_000);
    expect(await provider.send({ notificationId: 'n-1', to: '+8613800138000', text: 'x'.repeat(SMS_MAX_LENGTH + 50) })).toBeUndefined();
    const last = received[received.length - 1];
    expect(last).toMatchObject({ to: '+8613800138000', reference: 'n-1' });
    expect(last.text).toHaveLength(SMS_MAX_LENGTH);
    expect(last.text.endsWith('…')).toBe(true);
  });

  it('reports a refusal and an unreachable provider as reasons', async () => {
    answer = 503;
    expect(await new HttpSmsProvider(url, 't', 2_000).send({ notificationId: 'n-2', to: '+1', text: 'hi' })).toBe('SMS provider answered HTTP 503');
    expect(await new HttpSmsProvider('http://127.0.0.1:1/sms', 't', 2_000).send({ notificationId: 'n-3', to: '+1', text: 'hi' })).toEqual(expect.any(String));
  });
});

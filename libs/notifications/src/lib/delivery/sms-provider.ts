/** An SMS gateway. Returns undefined once the provider accepted the message, else why it failed. */
export interface SmsProvider {
  send(message: { notificationId: string; to: string; text: string }): Promise<string | undefined>;
}

/** Longest text sent; longer bodies are cut (the inbox keeps the whole message). */
export const SMS_MAX_LENGTH = 500;

/**
 * A provider reached over HTTP: POSTs `{ to, text, reference }` as JSON with a bearer token. Any 2xx
 * answer is acceptance. `reference` (the notification id) lets the provider drop a repeated request.
 */
export class HttpSmsProvider implements SmsProvider {
  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
    private readonly timeoutMs: number,
  ) {}

  async send(message: { notificationId: string; to: string; text: string }): Promise<string | undefined> {
    const text = message.text.length > SMS_MAX_LENGTH ? `${message.text.slice(0, SMS_MAX_LENGTH - 1)}…` : message.text;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
        body: JSON.stringify({ to: message.to, text, reference: message.notificationId }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      return response.ok ? undefined : `SMS provider answered HTTP ${response.status}`;
    } catch (error) {
      const e = error as { name?: string; message?: string };
      return e?.name === 'TimeoutError' ? `SMS provider did not answer within ${this.timeoutMs} ms` : String(e?.message ?? error);
    }
  }
}

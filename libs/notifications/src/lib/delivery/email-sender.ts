import { createTransport, type Transporter } from 'nodemailer';

export interface EmailMessage {
  notificationId: string;
  to: string;
  subject: string;
  text: string;
}

/** Sends notification e-mails through the configured SMTP server (nodemailer). */
export class EmailSender {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    timeoutMs: number,
  ) {
    const url = new URL(smtpUrl);
    const secure = url.protocol === 'smtps:';
    this.transport = createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  /** Returns undefined once the server accepted the message, else why it failed. */
  async send(message: EmailMessage): Promise<string | undefined> {
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        // Lets the merchant's mail tooling deduplicate a redelivered message.
        headers: { 'X-Penalty-Notification-Id': message.notificationId },
      });
      const rejected = info.rejected ?? [];
      return rejected.length > 0 ? `rejected by the SMTP server: ${rejected.join(', ')}` : undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  close(): void {
    this.transport.close();
  }
}

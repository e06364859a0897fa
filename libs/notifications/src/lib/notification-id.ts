import { randomBytes } from 'node:crypto';

/**
 * Notification ids: UUIDv7 (RFC 9562), time-ordered and strictly increasing within the process (a
 * 12-bit counter within one millisecond, borrowing the next millisecond when it runs out). The rows of
 * one batch share their created_at, and the reads break that tie by id, so this keeps them in the
 * order they were planned; 62 random bits keep ids of different processes apart.
 */
export class NotificationIds {
  private lastMs = -1;
  private counter = 0;

  next(at: Date): string {
    const ms = at.getTime();
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.counter = 0;
    } else if (++this.counter > 0xfff) {
      this.lastMs += 1;
      this.counter = 0;
    }
    const bytes = randomBytes(16);
    bytes.writeUIntBE(this.lastMs, 0, 6);
    bytes[6] = 0x70 | (this.counter >> 8);
    bytes[7] = this.counter & 0xff;
    bytes[8] = 0x80 | (bytes[8] & 0x3f);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

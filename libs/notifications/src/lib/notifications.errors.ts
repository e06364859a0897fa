/** Why the notification context refuses an input. Every code says whether retrying can help. */
export enum NotificationErrorCode {
  /** An event type the rules tell the merchant nothing about (e.g. a type added to a topic before this service knows it). */
  UNKNOWN_CAUSE = 'NOTIFICATION.UNKNOWN_CAUSE',
}

const RETRIABLE: Record<NotificationErrorCode, boolean> = {
  [NotificationErrorCode.UNKNOWN_CAUSE]: false,
};

/** A refusal of the notification rules; the inbox dead-letters the event it concerns (reason REJECTED with the code). */
export class NotificationError extends Error {
  readonly retriable: boolean;

  constructor(
    readonly code: NotificationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NotificationError';
    this.retriable = RETRIABLE[code];
  }
}

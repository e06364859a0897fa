import { Injectable } from '@nestjs/common';

/**
 * Told after a commit that imposed measures with an end: the expiry worker, asleep until the next
 * end it knows, then looks again (a sooner end may have arrived).
 */
@Injectable()
export class MeasureExpiryAlarm {
  private readonly listeners: ((endsAt: Date) => void)[] = [];

  onEarlierEnd(listener: (endsAt: Date) => void): void {
    this.listeners.push(listener);
  }

  raise(endsAt: Date): void {
    for (const listener of this.listeners) listener(endsAt);
  }
}

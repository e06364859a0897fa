import { Injectable } from '@nestjs/common';

/**
 * Tells this process's delivery worker that PENDING rows were committed, and when they fall due, so
 * it runs then instead of at its slow fallback poll (which is only for rows other replicas wrote).
 */
@Injectable()
export class PendingDeliveries {
  private readonly listeners = new Set<(dueAt: Date) => void>();

  /** Rows falling due at `dueAt` were committed. */
  announce(dueAt: Date): void {
    for (const listener of this.listeners) listener(dueAt);
  }

  /** Answers the function that stops listening. */
  listen(listener: (dueAt: Date) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

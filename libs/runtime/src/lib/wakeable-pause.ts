/**
 * A polling loop's pause that other code can cut short, e.g. "there is new work now" or "stop".
 * Waking when no pause is running does nothing.
 */
export class WakeablePause {
  private wakeCurrent?: () => void;

  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeCurrent = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeCurrent = done;
    });
  }

  wake(): void {
    this.wakeCurrent?.();
  }
}

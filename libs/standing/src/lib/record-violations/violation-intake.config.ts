import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

const asNumber = ({ value }: { value: unknown }) => (value === undefined ? undefined : Number(value));

/** How HTTP ingestion groups concurrent requests into one transaction (group commit); validated at boot. */
export class ViolationIntakeConfig {
  /** A group closes once it holds this many events (a batch request larger than that is a group of its own: a request is never split). */
  @Transform(asNumber)
  @IsInt()
  @Min(1)
  @Max(10_000)
  INGESTION_GROUP_MAX_EVENTS = 200;

  /**
   * How long a group that opened while no other was committing waits for more requests before it
   * commits (ms), when the previous group held more than one request (concurrent producers; a lone
   * one is not delayed). While a group commits, the requests arriving meanwhile form the next group anyway.
   */
  @Transform(asNumber)
  @IsInt()
  @Min(0)
  @Max(1_000)
  INGESTION_GROUP_MAX_WAIT_MS = 2;

  /** A request whose group has not committed after this long is answered 503 (ms): its outcome is then unknown, and a retry is answered DUPLICATE if it was recorded after all. */
  @Transform(asNumber)
  @IsInt()
  @Min(100)
  @Max(600_000)
  INGESTION_COMMIT_TIMEOUT_MS = 10_000;
}

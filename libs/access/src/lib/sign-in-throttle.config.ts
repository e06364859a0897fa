import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { DEFAULT_SIGN_IN_THROTTLE, type SignInThrottleSettings } from '@penalty/auth';

const integer = () => Transform(({ value }) => (value === undefined ? undefined : Number(value)));

/** Sign-in throttling (README "Who may call what"), read at boot; client addresses as TRUST_PROXY says. */
export class SignInThrottleConfig {
  /** Attempts of one client address a minute, right or wrong: room for a team behind one proxy or NAT. */
  @integer() @IsInt() @Min(1) @Max(1_000_000) SIGN_IN_ATTEMPTS_PER_MINUTE = DEFAULT_SIGN_IN_THROTTLE.attemptsPerAddressPerMinute;
  /** Wrong passwords for one username before it backs off (1 s, doubling). */
  @integer() @IsInt() @Min(1) @Max(1_000) SIGN_IN_FREE_FAILURES_PER_USERNAME = DEFAULT_SIGN_IN_THROTTLE.freeFailuresPerUsername;
  /** Wrong passwords from one client address before it backs off. */
  @integer() @IsInt() @Min(1) @Max(1_000_000) SIGN_IN_FREE_FAILURES_PER_ADDRESS = DEFAULT_SIGN_IN_THROTTLE.freeFailuresPerAddress;
  /** The longest backoff. */
  @integer() @IsInt() @Min(1) @Max(86_400) SIGN_IN_BACKOFF_MAX_SECONDS = DEFAULT_SIGN_IN_THROTTLE.backoffMaxMs / 1000;

  settings(): SignInThrottleSettings {
    return {
      ...DEFAULT_SIGN_IN_THROTTLE,
      attemptsPerAddressPerMinute: this.SIGN_IN_ATTEMPTS_PER_MINUTE,
      freeFailuresPerUsername: this.SIGN_IN_FREE_FAILURES_PER_USERNAME,
      freeFailuresPerAddress: this.SIGN_IN_FREE_FAILURES_PER_ADDRESS,
      backoffMaxMs: this.SIGN_IN_BACKOFF_MAX_SECONDS * 1000,
    };
  }
}

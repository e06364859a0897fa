import { IsIn, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';

/** Settings of the sign-in with the company's identity provider (OidcSignIn), read at boot by the api. */
export class OidcSignInConfig {
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) OIDC_ISSUER?: string;
  @IsOptional() @IsString() @MaxLength(256) OIDC_CLIENT_ID?: string;
  @IsOptional() @IsString() @MaxLength(512) OIDC_CLIENT_SECRET?: string;
  /** The callback as the browser reaches it, e.g. https://ops.example.com/svc/api/v1/auth/oidc/callback; registered at the provider. */
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) OIDC_REDIRECT_URI?: string;
  @IsOptional() @IsString() OIDC_SCOPES = 'openid profile';
  /** What the sign-in button says, e.g. the provider's name. */
  @IsOptional() @IsString() @MaxLength(64) OIDC_DISPLAY_NAME = 'Company sign-in';
  /** Where the browser lands after a sign-in (and, with ?signInError=CODE, after a refused one): the dashboard. */
  @IsOptional() @IsString() OIDC_POST_SIGN_IN_PATH = '/';
  /** Only for a provider on plain http in development and tests; refused otherwise. */
  @IsOptional() @IsIn(['true', 'false']) OIDC_ALLOW_HTTP = 'false';

  /**
   * Sign-in is on with a client id and a callback, which need the issuer; one of them without the
   * others is a boot error. (The issuer alone serves the bearer tokens' check: AuthConfig.)
   */
  enabled(): boolean {
    if (!this.OIDC_CLIENT_ID && !this.OIDC_REDIRECT_URI) return false;
    if (!this.OIDC_ISSUER || !this.OIDC_CLIENT_ID || !this.OIDC_REDIRECT_URI) throw new Error('Invalid configuration:\n  OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_REDIRECT_URI go together (sign-in with the identity provider)');
    if (this.OIDC_ALLOW_HTTP !== 'true' && [this.OIDC_ISSUER, this.OIDC_REDIRECT_URI].some((url) => url!.startsWith('http:'))) throw new Error('Invalid configuration:\n  OIDC_ISSUER and OIDC_REDIRECT_URI must be https (OIDC_ALLOW_HTTP=true only in development)');
    if (!safeReturnPath(this.OIDC_POST_SIGN_IN_PATH)) throw new Error('Invalid configuration:\n  OIDC_POST_SIGN_IN_PATH must be a path on this origin, e.g. /');
    return true;
  }
}

/**
 * A path on the dashboard's own origin (`/`, `/#/review`), never another origin: not `//host`, not
 * `/\host` (browsers read both as a host), no scheme, no control characters; at most 512 characters.
 */
export function safeReturnPath(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 512 && /^\/(?![/\\])[^\s\\\u0000-\u001f\u007f]*$/.test(value);
}


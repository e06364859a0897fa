import path from 'node:path';
import { HelperProcess } from './helper-process';

/** Who can sign in at the test identity provider: login → the claims it adds (e.g. `{ penalty_roles: ['reviewer'] }`). */
export type IdentityProviderAccounts = Record<string, Record<string, unknown>>;

/**
 * A real OpenID Connect provider (oidc-provider) in its own process, for the dashboard's sign-in with
 * the company identity provider: one confidential client, PKCE required, development login pages.
 */
export class IdentityProviderProcess {
  private readonly helper = new HelperProcess('the identity provider');
  readonly issuer: string;

  constructor(
    private readonly options: { port: number; clientId: string; clientSecret: string; redirectUri: string; accounts: IdentityProviderAccounts },
  ) {
    this.issuer = `http://127.0.0.1:${options.port}`;
  }

  start(): Promise<void> {
    const env = {
      ...process.env,
      IDP_PORT: String(this.options.port), IDP_CLIENT_ID: this.options.clientId, IDP_CLIENT_SECRET: this.options.clientSecret,
      IDP_REDIRECT_URI: this.options.redirectUri, IDP_ACCOUNTS: JSON.stringify(this.options.accounts),
    };
    return this.helper.start([path.join(__dirname, 'identity-provider.mjs')], { env }, `${this.issuer}/.well-known/openid-configuration`);
  }

  stop(): Promise<void> {
    return this.helper.stop();
  }

  logs(): string {
    return this.helper.logs();
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** Who can sign in at the test identity provider: login → the claims it adds (e.g. `{ penalty_roles: ['reviewer'] }`). */
export type IdentityProviderAccounts = Record<string, Record<string, unknown>>;

/**
 * A real OpenID Connect provider (oidc-provider) in its own process, for the dashboard's sign-in with
 * the company identity provider: one confidential client, PKCE required, development login pages.
 */
export class IdentityProviderProcess {
  private child?: ChildProcess;
  private output = '';
  readonly issuer: string;

  constructor(
    private readonly options: { port: number; clientId: string; clientSecret: string; redirectUri: string; accounts: IdentityProviderAccounts },
  ) {
    this.issuer = `http://127.0.0.1:${options.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, [path.join(__dirname, 'identity-provider.mjs')], {
      env: {
        ...process.env,
        IDP_PORT: String(this.options.port), IDP_CLIENT_ID: this.options.clientId, IDP_CLIENT_SECRET: this.options.clientSecret,
        IDP_REDIRECT_URI: this.options.redirectUri, IDP_ACCOUNTS: JSON.stringify(this.options.accounts),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-50_000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    for (let i = 0; i < 120; i++) {
      if (this.child.exitCode !== null) throw new Error(`the identity provider exited with ${this.child.exitCode}:\n${this.output}`);
      if (await fetch(`${this.issuer}/.well-known/openid-configuration`).then((r) => r.ok).catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the identity provider did not answer on ${this.issuer}:\n${this.output}`);
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child!.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }

  logs(): string {
    return this.output;
  }
}

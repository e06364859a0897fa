import { loadConfig } from '@penalty/runtime';
import { OidcSignInConfig, safeReturnPath } from './oidc-sign-in.config';

describe('where a sign-in with the identity provider may land', () => {
  it.each(['/', '/#/reviewQueue', '/#/merchants/m-1?x=1', '/ops/'])('a path on this origin: %s', (path) => {
    expect(safeReturnPath(path)).toBe(true);
  });

  it.each([
    ['another host, protocol-relative', '//evil.example/'],
    ['another host, backslash', '/\\evil.example/'],
    ['a scheme', 'https://evil.example/'],
    ['a script', 'javascript:alert(1)'],
    ['relative', 'reviewQueue'],
    ['a line break', '/\r\nSet-Cookie: x=1'],
    ['a tab', '/\t/evil.example'],
    ['too long', `/${'a'.repeat(512)}`],
    ['not a string', ['/']],
  ])('not %s', (_what, path) => {
    expect(safeReturnPath(path)).toBe(false);
  });
});

describe('OidcSignInConfig', () => {
  const settings = { OIDC_ISSUER: 'https://idp.example.com', OIDC_CLIENT_ID: 'penalty-ops', OIDC_REDIRECT_URI: 'https://ops.example.com/svc/api/v1/auth/oidc/callback' };
  const load = (env: Record<string, string>) => loadConfig(OidcSignInConfig, env);

  it('is off without settings, on with the issuer, the client and the callback', () => {
    expect(load({}).enabled()).toBe(false);
    expect(load(settings).enabled()).toBe(true);
    expect(load(settings)).toMatchObject({ OIDC_SCOPES: 'openid profile', OIDC_POST_SIGN_IN_PATH: '/', OIDC_ALLOW_HTTP: 'false' });
  });

  it('refuses some of the three without the others at boot', () => {
    // The issuer alone is the bearer tokens' setting (AuthConfig), not a sign-in.
    expect(load({ OIDC_ISSUER: settings.OIDC_ISSUER }).enabled()).toBe(false);
    expect(() => load({ OIDC_ISSUER: settings.OIDC_ISSUER, OIDC_CLIENT_ID: 'penalty-ops' }).enabled()).toThrow(/OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_REDIRECT_URI go together/);
    expect(() => load({ OIDC_CLIENT_ID: 'penalty-ops', OIDC_REDIRECT_URI: settings.OIDC_REDIRECT_URI }).enabled()).toThrow(/go together/);
  });

  it('refuses plain http unless allowed for development, and a landing path on another origin', () => {
    expect(() => load({ ...settings, OIDC_ISSUER: 'http://idp.example.com' }).enabled()).toThrow(/must be https/);
    expect(load({ ...settings, OIDC_ISSUER: 'http://127.0.0.1:9000', OIDC_ALLOW_HTTP: 'true' }).enabled()).toBe(true);
    expect(() => load({ ...settings, OIDC_POST_SIGN_IN_PATH: '//evil.example' }).enabled()).toThrow(/OIDC_POST_SIGN_IN_PATH/);
  });

  it('refuses malformed values with the field named', () => {
    expect(() => load({ ...settings, OIDC_REDIRECT_URI: 'not a url' })).toThrow(/OIDC_REDIRECT_URI/);
    expect(() => load({ ...settings, OIDC_ALLOW_HTTP: 'yes' })).toThrow(/OIDC_ALLOW_HTTP/);
  });
});

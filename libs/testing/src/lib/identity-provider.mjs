// A real OpenID Connect provider (the oidc-provider package, with its development login and consent
// pages) for the browser tests of the dashboard's sign-in. Run by IdentityProviderProcess:
//   IDP_PORT, IDP_CLIENT_ID, IDP_CLIENT_SECRET, IDP_REDIRECT_URI, IDP_ACCOUNTS (JSON: login → extra claims)
// Any login signs in (the development pages ask for any password); its claims are IDP_ACCOUNTS[login].
// PKCE is required of every client, so a sign-in without it fails here.
import Provider from 'oidc-provider';

const port = Number(process.env.IDP_PORT);
const accounts = JSON.parse(process.env.IDP_ACCOUNTS ?? '{}');
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.IDP_CLIENT_ID,
      client_secret: process.env.IDP_CLIENT_SECRET,
      redirect_uris: [process.env.IDP_REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  pkce: { required: () => true },
  // The custom claims travel with the profile scope; the ID token carries only sub (and what the
  // client's request asks), the rest comes from userinfo, as many providers do it.
  claims: { openid: ['sub'], profile: ['name', 'penalty_roles', 'penalty_marketplaces'] },
  async findAccount(_ctx, id) {
    return { accountId: id, claims: async () => ({ sub: id, name: id, ...(accounts[id] ?? {}) }) };
  },
  cookies: { keys: ['identity provider of the tests only'] },
  features: { devInteractions: { enabled: true } },
});
provider.listen(port, '127.0.0.1', () => console.log(`identity provider on ${issuer}`));

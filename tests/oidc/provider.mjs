// A real OpenID provider on loopback for the organisation sign-in tests: the certified
// `oidc-provider` package with its built-in development sign-in and consent pages.
//
// Everything comes from the environment (tests/oidc/conftest.py starts it):
//   OIDC_PORT       the port on 127.0.0.1
//   OIDC_CLIENTS    JSON list of client registrations (client_id, client_secret, redirect_uris...)
//   OIDC_ACCOUNTS   JSON object: login name -> claims (email, email_verified, name, amr, acr)
//   OIDC_ID_TOKEN_AUDIENCES  JSON object: a client id -> the audience the provider's ID
//                   tokens for that client name instead (a provider-side hook: the provider
//                   signs them with its own key, as a confused or misconfigured provider would).
//   OIDC_ID_TOKEN_TTL  seconds an ID token lives (default 3600).
//   OIDC_CLOCK_OFFSET_SECONDS  the provider's clock runs this far from the real one (its
//                   tokens expire early or late), as a provider with a wrong clock would.
// It prints "ready <issuer>" once it listens. A new key pair is made at every start, so
// starting it again on the same port is a key rotation.

import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const env = (name, fallback) => process.env[name] ?? fallback;
const port = Number(env('OIDC_PORT', '0'));
const clients = JSON.parse(env('OIDC_CLIENTS', '[]'));
const accounts = JSON.parse(env('OIDC_ACCOUNTS', '{}'));
const audiences = JSON.parse(env('OIDC_ID_TOKEN_AUDIENCES', '{}'));
const offsetMs = Number(env('OIDC_CLOCK_OFFSET_SECONDS', '0')) * 1000;
const idTokenTtl = Number(env('OIDC_ID_TOKEN_TTL', '')) || 3600;

if (offsetMs) {
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + offsetMs;
}

// A small in-memory store (the package's own is not exported).
const stores = new Map();
class MemoryAdapter {
  constructor(name) {
    this.name = name;
    if (!stores.has(name)) stores.set(name, new Map());
    this.store = stores.get(name);
  }

  async upsert(id, payload) { this.store.set(id, payload); }

  async find(id) { return this.store.get(id); }

  async findByUserCode(code) {
    return [...this.store.values()].find((p) => p.userCode === code);
  }

  async findByUid(uid) { return [...this.store.values()].find((p) => p.uid === uid); }

  async consume(id) {
    const payload = this.store.get(id);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) { this.store.delete(id); }

  async revokeByGrantId(grantId) {
    for (const [id, payload] of this.store) {
      if (payload.grantId === grantId) this.store.delete(id);
    }
  }
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: randomBytes(8).toString('hex'),
  use: 'sig',
  alg: 'RS256',
};

const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  adapter: MemoryAdapter,
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(16).toString('hex')] },
  claims: {
    openid: ['sub', 'amr', 'acr'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  ttl: { IdToken: idTokenTtl },
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    const { amr, acr, ...rest } = claims;
    return { accountId: id, async claims() { return { sub: id, ...rest }; } };
  },
});
provider.proxy = false;

// The development sign-in page accepts any login name; record the account's own
// authentication methods (amr) and level (acr), as a provider that asked for a second
// factor would.
const finish = provider.interactionFinished.bind(provider);
provider.interactionFinished = async (req, res, result, options) => {
  const claims = result?.login ? accounts[result.login.accountId] : undefined;
  if (claims?.amr) result.login.amr = claims.amr;
  if (claims?.acr) result.login.acr = claims.acr;
  return finish(req, res, result, options);
};

// ID tokens for a client listed in OIDC_ID_TOKEN_AUDIENCES name another audience.
const { IdToken } = provider;
const issue = IdToken.prototype.issue;
IdToken.prototype.issue = function issueFor(...args) {
  const other = this.client && audiences[this.client.clientId];
  if (other) {
    const client = this.client;
    this.client = new Proxy(client, {
      get: (target, key) => (key === 'clientId' ? other : Reflect.get(target, key, target)),
    });
  }
  return issue.apply(this, args);
};

// Its own failures go to stderr (the test's log), not only to the page it shows.
provider.on('server_error', (ctx, error) => { console.error('server_error', error); });
provider.on('grant.error', (ctx, error) => { console.error('grant.error', error.error_detail); });

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

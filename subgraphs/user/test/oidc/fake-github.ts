import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A GitHub user of the fake, with the emails `/user/emails` lists. */
export interface FakeGithubUser {
  id: number;
  login: string;
  name: string | null;
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
}

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/**
 * A tiny stand-in for github.com's OAuth2 web flow and REST API, as GitHub answers them:
 * `/login/oauth/authorize` redirects at once with a code for `loginAs`'s user;
 * `/login/oauth/access_token` checks client credentials, redirect URI, PKCE (S256) and single use
 * (a bad code answers 200 with `error: bad_verification_code`, like GitHub); `/api/user` and
 * `/api/user/emails` need the issued bearer token.
 */
export async function startFakeGithub(client: { clientId: string; clientSecret: string }) {
  const users = new Map<number, FakeGithubUser>();
  const codes = new Map<string, { userId: number; challenge: string; redirectUri: string }>();
  const tokens = new Map<string, number>();
  let nextLogin: number | undefined;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      const redirectUri = url.searchParams.get('redirect_uri')!;
      if (url.searchParams.get('client_id') !== client.clientId || nextLogin === undefined) {
        res.writeHead(400).end();
        return;
      }
      const code = randomBytes(10).toString('hex');
      codes.set(code, {
        userId: nextLogin,
        challenge: url.searchParams.get('code_challenge') ?? '',
        redirectUri,
      });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      const form = new URLSearchParams(await readBody(req));
      const basic = Buffer.from(
        (req.headers.authorization ?? '').replace(/^Basic /, ''),
        'base64',
      ).toString();
      // GitHub takes the client credentials in the form body (or HTTP Basic).
      const [id, secret] = basic
        ? basic.split(':').map(decodeURIComponent)
        : [form.get('client_id'), form.get('client_secret')];
      if (id !== client.clientId || secret !== client.clientSecret) {
        json(res, 200, { error: 'incorrect_client_credentials' });
        return;
      }
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (
        !grant ||
        grant.challenge !== challenge ||
        grant.redirectUri !== form.get('redirect_uri')
      ) {
        json(res, 200, { error: 'bad_verification_code' });
        return;
      }
      const token = `gho_${randomBytes(12).toString('hex')}`;
      tokens.set(token, grant.userId);
      json(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
      return;
    }
    const userId = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    const user = userId === undefined ? undefined : users.get(userId);
    if (!user) {
      json(res, 401, { message: 'Bad credentials' });
      return;
    }
    if (url.pathname === '/api/user') {
      json(res, 200, { id: user.id, login: user.login, name: user.name });
    } else if (url.pathname === '/api/user/emails') {
      json(
        res,
        200,
        user.emails.map((e) => ({ ...e, visibility: null })),
      );
    } else {
      json(res, 404, { message: 'Not Found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** Endpoints for a `github` provider entry pointing at this fake. */
    endpoints: {
      authorizationEndpoint: `${base}/login/oauth/authorize`,
      tokenEndpoint: `${base}/login/oauth/access_token`,
      apiUrl: `${base}/api`,
    },
    addUser(user: FakeGithubUser) {
      users.set(user.id, user);
    },
    loginAs(id: number) {
      nextLogin = id;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

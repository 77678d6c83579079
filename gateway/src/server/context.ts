import type { IncomingMessage } from 'node:http';
import type { Identity } from '@shop/auth';
import type { AuthenticateRequest } from '../subscriptions';
import type { UsageContext } from '../usage';

/** Per-request gateway context: the verified caller (or null for anonymous). */
export interface GatewayContext extends UsageContext {
  identity: Identity | null;
  /** The caller's address (the socket's), for rate limits; forwarded to subgraphs. */
  clientIp?: string;
  /** The caller's User-Agent header, forwarded to subgraphs (sessions). */
  userAgent?: string;
}

/** Apollo's context for an HTTP request: its caller (authenticated once per request) and IP. */
export const requestContext =
  (authenticateRequest: AuthenticateRequest) =>
  async (req: IncomingMessage): Promise<GatewayContext> => ({
    identity: (await authenticateRequest(req)).identity,
    clientIp: req.socket.remoteAddress ?? 'unknown',
    ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
  });

import type { Identity } from '@shop/auth';
import type { UsageContext } from '../usage';

/** Per-request gateway context: the verified caller (or null for anonymous). */
export interface GatewayContext extends UsageContext {
  identity: Identity | null;
  /** The caller's address (the socket's), for rate limits. */
  clientIp?: string;
}

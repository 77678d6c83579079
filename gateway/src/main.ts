import { readFileSync } from 'node:fs';
import { loadSigningKey } from '@shop/auth';
import { onShutdownSignal } from '@shop/http';
import { SUPERGRAPH_PATH } from '@shop/schema';
import { loadGatewayEnv, subgraphUrlOverrides } from './env';
import { startGateway } from './gateway';

// The gateway alone, in front of subgraphs running as their own processes.
const env = loadGatewayEnv();
if (!env.GATEWAY_PRIVATE_JWK) {
  console.warn('[gateway] GATEWAY_PRIVATE_JWK is not set: using an ephemeral key (dev only)');
}
const gateway = await startGateway({
  supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
  subgraphUrls: subgraphUrlOverrides(env),
  accessTokenKeys: new URL(env.USER_JWKS_URL),
  signingKey: await loadSigningKey(env.GATEWAY_PRIVATE_JWK),
  port: env.PORT,
  host: env.HOST,
  production: env.NODE_ENV === 'production',
  maxBodyBytes: env.MAX_BODY_BYTES,
});
onShutdownSignal(() => gateway.stop());
console.log(`[gateway] listening on ${gateway.url}`);

/**
 * Micro-benchmark of the internal-token caches: minting (gateway) and verifying (subgraph) with
 * and without `createInternalTokenCache` / `withVerificationCache`.
 *
 *   npx tsx gateway/scripts/token-bench.ts [iterations=5000]
 */
import {
  createInternalTokenCache,
  createVerifier,
  INTERNAL_TOKEN_ISSUER,
  INTERNAL_TOKEN_TYPE,
  internalAudience,
  loadSigningKey,
  mintInternalToken,
  withVerificationCache,
  type Identity,
} from '@shop/auth';

const iterations = Number(process.argv[2] ?? 5_000);
const key = await loadSigningKey();
const identity: Identity = { userId: 'user-1', roles: ['CUSTOMER'] };
const time = async (label: string, work: () => Promise<unknown>) => {
  for (let i = 0; i < 200; i++) await work();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await work();
  const us = ((performance.now() - started) * 1000) / iterations;
  console.log(`${label.padEnd(28)} ${us.toFixed(1)} µs/op`);
  return us;
};
const tokens = createInternalTokenCache({
  mint: (subgraph, who) => mintInternalToken(key, subgraph, who),
});
const mint = await time('mint (ES256)', () => mintInternalToken(key, 'order', identity));
const cachedMint = await time('mint, cached', () => tokens.get('order', identity));
const verifier = createVerifier({
  keys: [key],
  issuer: INTERNAL_TOKEN_ISSUER,
  audience: internalAudience('order'),
  type: INTERNAL_TOKEN_TYPE,
  requireSubject: false,
});
const token = await mintInternalToken(key, 'order', identity);
const verify = await time('verify', () => verifier(token));
const cachedVerifier = withVerificationCache(verifier);
const cachedVerify = await time('verify, cached', () => cachedVerifier(token));
console.log(
  `mint ×${(mint / cachedMint).toFixed(0)} faster cached; verify ×${(verify / cachedVerify).toFixed(0)} faster cached`,
);

import { createClient } from 'redis';

/**
 * Deletes the Redis keys one cluster run left behind: every key under its `REDIS_KEY_PREFIX`
 * (rate-limit counters, APQ registrations, cart cache). Keys of anyone else sharing this Redis are
 * left alone. Returns how many it deleted.
 */
export async function deleteRunKeys(redisUrl: string, prefix: string): Promise<number> {
  if (!prefix) throw new Error('refusing to delete Redis keys without a prefix');
  const client = createClient({ url: redisUrl });
  await client.connect();
  try {
    let deleted = 0;
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
      if (keys.length > 0) deleted += await client.del(keys);
    }
    return deleted;
  } finally {
    await client.quit();
  }
}

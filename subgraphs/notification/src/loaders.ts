import type { Identity } from '@shop/auth';
import { createBatchLoader } from '@shop/subgraph';
import type { NotificationService } from './service';
import type { NotificationRow } from './tables';

/** One page of `User.notifications`. */
export interface NotificationPage {
  before: number | null;
  limit: number;
  unreadOnly: boolean;
}

/**
 * A per-request loader of users' notification pages: the same page of many users (an
 * `_entities` call with many users) is read with one query. Created per request with its caller;
 * the visibility check applies to each user.
 */
export function createUserNotificationsLoader(
  service: NotificationService,
  identity: Identity | null,
): (userId: string, page: NotificationPage) => Promise<NotificationRow[]> {
  // Keyed `before:limit:unreadOnly:userId`; one query per distinct page.
  const load = createBatchLoader<NotificationRow[]>(async (keys) => {
    const pages = new Map<string, { page: NotificationPage; userIds: string[] }>();
    for (const key of keys) {
      const [before = '', limit = '', unread = '', ...rest] = key.split(':');
      const userId = rest.join(':'); // user ids are opaque: keep any ':' they contain
      const pageKey = `${before}:${limit}:${unread}`;
      const entry = pages.get(pageKey) ?? {
        page: {
          before: before === '' ? null : Number(before),
          limit: Number(limit),
          unreadOnly: unread === '1',
        },
        userIds: [],
      };
      entry.userIds.push(userId);
      pages.set(pageKey, entry);
    }
    const found = new Map<string, NotificationRow[]>();
    await Promise.all(
      [...pages].map(async ([pageKey, { page, userIds }]) => {
        for (const [userId, rows] of await service.notificationsOfUsers(identity, userIds, page)) {
          found.set(`${pageKey}:${userId}`, rows);
        }
      }),
    );
    return found;
  });
  return async (userId, page) =>
    (await load(`${page.before ?? ''}:${page.limit}:${page.unreadOnly ? '1' : '0'}:${userId}`)) ??
    [];
}

import type { OrderPorts } from '../ports';
import { SYSTEM } from './actors';
import type { OrderTransitions } from './transitions';

/** The payment window: unpaid orders expire. */
export function createOrderExpiry({
  repo,
  applyChange,
}: Pick<OrderPorts, 'repo'> & Pick<OrderTransitions, 'applyChange'>) {
  return {
    /** Moves PENDING_PAYMENT orders past their payment window to EXPIRED; returns how many. */
    async expireOverdueOrders(): Promise<number> {
      const batch = 100;
      let expired = 0;
      for (;;) {
        const ids = await repo.overdueOrderIds(batch);
        let appliedInBatch = 0;
        for (const id of ids) {
          const applied = await repo.transaction(async (tx) => {
            const row = await repo.lockOrder(tx, id);
            if (!row || row.status !== 'PENDING_PAYMENT') return false;
            const result = await applyChange(tx, row, 'EXPIRED', {
              actor: SYSTEM,
              reason: 'payment window elapsed',
            });
            return result.ok && result.applied;
          });
          if (applied) appliedInBatch += 1;
        }
        expired += appliedInBatch;
        if (ids.length < batch || appliedInBatch === 0) return expired;
      }
    },
  };
}

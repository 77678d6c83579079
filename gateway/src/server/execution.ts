import type { ApolloGateway } from '@apollo/gateway';
import { PlanExecutor } from '../execution/plan-executor';
import type { RequestLimits } from '../limits';
import type { GatewayContext } from './context';
import type { SubgraphDataSources } from './data-source';
import { limitRefusal } from './limits';

/**
 * The plan executor (execution/plan-executor.ts) installed as @apollo/gateway's executor, which
 * stays its fallback; undefined with `executor: 'apollo'`.
 */
export function installPlanExecutor(options: {
  executor: 'plan' | 'apollo' | undefined;
  supergraphSdl: string;
  gateway: ApolloGateway;
  dataSources: SubgraphDataSources;
  limits: RequestLimits | undefined;
}): PlanExecutor | undefined {
  const { gateway, limits } = options;
  if (options.executor === 'apollo') return undefined;
  const planExecutor = new PlanExecutor({
    supergraphSdl: options.supergraphSdl,
    dataSourceOf: options.dataSources.get,
    fallback: gateway.executor,
    // A new operation shape is planned only within the client IP's budget of new operations.
    admitPlanning: async (requestContext) => {
      const ip = (requestContext.context as GatewayContext).clientIp;
      if (!ip || !limits) return undefined;
      return limitRefusal(await limits.checkNewOperation(ip));
    },
  });
  // Apollo Server takes the executor from `gateway.load()`, which returns this property.
  gateway.executor = planExecutor.execute;
  return planExecutor;
}

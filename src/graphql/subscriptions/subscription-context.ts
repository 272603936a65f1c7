import type { WatchTarget } from '../../config';
import { parseResourceKey } from '../../graph/odata/ids';
import { topicOf } from '../../watch/review-event';
import type { GatewayContext } from '../edge/context';
import { ErrorCode, GatewayError } from '../edge/error-code';

/** A subscription's context: a request's, and the resources WATCH names. */
export interface SubscriptionContext extends GatewayContext {
  watched: readonly WatchTarget[];
}

/**
 * The topic of the watched resource the arguments name, or BAD_USER_INPUT naming WATCH. Where the resource is
 * watched in a named tenant and the caller's token names its tenant, they must be the same.
 */
export function watchedTopic({ watched, caller }: Pick<SubscriptionContext, 'watched' | 'caller'>, args: { catalogId: string; resourceId: string }): string {
  const key = parseResourceKey(args);
  const tenantId = caller?.tid?.toLowerCase();
  const target = watched.find(
    (candidate) =>
      candidate.catalogId === key.catalogId &&
      candidate.resourceId === key.resourceId &&
      (candidate.tenantId === '' || caller === undefined || candidate.tenantId === tenantId),
  );
  if (!target) {
    throw new GatewayError(
      ErrorCode.BAD_USER_INPUT,
      `The resource ${key.resourceId} of catalog ${key.catalogId} is not watched by this gateway: its review events are served only for the resources WATCH names.`,
    );
  }
  return topicOf(target);
}

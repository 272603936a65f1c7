import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { getOperationAST, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { CatalogAuthorizer, CatalogRole } from '../../auth/catalog-authorization';
import { CatalogRoleRefusedError } from '../../auth/catalog-authorization';
import type { GraphCall } from '../../graph/graph-client';
import type { GatewayContext } from '../edge/context';
import { catalogsOfOperation } from './catalog-fields';

/** Each catalog's verdict for this request: null, allowed; else the error its fields answer with (a refusal, or the check's failure). */
export type CatalogVerdicts = ReadonlyMap<string, Error | null>;

/** Where a request's verdicts live: on its context, for the guarded fields (catalog-guard.ts) to read. */
export interface WithCatalogVerdicts {
  catalogVerdicts?: CatalogVerdicts;
}

/**
 * CATALOG_AUTHORIZATION=graph: before any Graph call on a catalog, whether this caller holds the role the
 * operation needs on it. The catalogs are collected once the operation and its variables are known
 * (didResolveOperation), and checked when execution starts: Apollo runs every plugin's didResolveOperation
 * at once, so checking there would call Graph for an operation the Graph-call limit is refusing. Each
 * catalog is checked on its own, and its verdict kept for its fields: a refused one fails at its own path.
 * The checks' Graph reads are not counted by MAX_GRAPH_CALLS_PER_OPERATION; they have their own bound.
 */
export function catalogAccess(authorizer: CatalogAuthorizer<GraphCall>): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart(): Promise<GraphQLRequestListener<GatewayContext>> {
      let catalogs = new Map<string, CatalogRole>();
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (operation) catalogs = catalogsOfOperation(schema, document, operation, request.variables ?? {});
        },
        async executionDidStart({ contextValue }) {
          const context = contextValue as GatewayContext & WithCatalogVerdicts;
          context.catalogVerdicts = await verdicts(authorizer, context, catalogs);
        },
      };
    },
  };
}

/**
 * A subscription's catalog check, on the WebSocket path (Apollo's plugins do not run there): the error its
 * `subscribe` is refused with (the caller lacks the role, or the check failed), or undefined when allowed.
 */
export async function subscriberRefusal(authorizer: CatalogAuthorizer<GraphCall>, context: GatewayContext, schema: GraphQLSchema, args: { document: DocumentNode; operationName?: string; variableValues?: Record<string, unknown> }): Promise<Error | undefined> {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return undefined;
  const checked = await verdicts(authorizer, context, catalogsOfOperation(schema, args.document, operation, args.variableValues ?? {}));
  return [...checked.values()].find((verdict) => verdict !== null) ?? undefined;
}

async function verdicts(authorizer: CatalogAuthorizer<GraphCall>, { caller, call }: GatewayContext, catalogs: Map<string, CatalogRole>): Promise<CatalogVerdicts> {
  const checked = await Promise.all(
    [...catalogs].map(async ([catalogId, needed]): Promise<[string, Error | null]> => {
      // Configuration makes `graph` need authenticated callers; a request without one is refused, never let through.
      if (!caller) return [catalogId, new CatalogRoleRefusedError(catalogId, needed)];
      try {
        await authorizer.authorize(caller, catalogId, needed, call);
        return [catalogId, null];
      } catch (error) {
        if (error instanceof CatalogRoleRefusedError) call.log.info({ catalogId, needed }, 'caller lacks the catalog role');
        else call.log.warn({ catalogId, err: { type: (error as Error).name, message: (error as Error).message } }, 'catalog role check failed');
        return [catalogId, error instanceof Error ? error : new Error(String(error))];
      }
    }),
  );
  return new Map(checked);
}

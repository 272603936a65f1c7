import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, GraphQLError, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/**
 * Apollo Server's pipeline with graphql-jit as its executor. Apollo parses, validates, runs every plugin
 * and renders every answer (errors, status codes, media types) as usual; only the execution of a resolved
 * operation is graphql-jit's: compiled to a function when an operation comes a second time, and reused for
 * its repeats. The first time graphql-js interprets it: compiling costs far more than one run, and a caller
 * sending ever-new documents must not make the gateway compile each one. Apollo keeps the parsed document of
 * a repeated query text (its document store), so the compiled function is found by the very operation node
 * Apollo hands over, with no hashing of its own.
 * Supplied through Apollo's `gateway` option, the one place Apollo lets another executor in.
 */
export function jitExecutor(schema: GraphQLSchema): GatewayInterface {
  const compiled = new WeakMap<OperationDefinitionNode, CompiledQuery | 'seen once' | 'interpret'>();

  const executor: GatewayExecutor = async ({ document, operation, operationName, request, context }) => {
    const variableValues = request.variables ?? {};
    // The interface says an operation is always resolved, but Apollo hands none over when the request's
    // `operationName` names no operation of the document (or several are unnamed), and expects the executor's
    // errors, which it answers 400 OPERATION_RESOLUTION_FAILURE. graphql-js words them, given the name the
    // client sent (the context's `operationName` is the resolved one: null here).
    if ((operation as OperationDefinitionNode | undefined) === undefined) {
      return execute({ schema, document, operationName: request.operationName, contextValue: context, variableValues });
    }
    let query = compiled.get(operation);
    if (query === undefined) {
      compiled.set(operation, 'seen once');
    } else if (query === 'seen once') {
      const compiling = compileQuery(schema, document, operationName ?? undefined);
      query = isCompiledQuery(compiling) ? compiling : 'interpret';
      compiled.set(operation, query);
    }
    if (typeof query === 'object') {
      const result: ExecutionResult = await query.query(undefined, context, variableValues);
      // No `data`: the variables did not coerce and nothing ran. graphql-js words those errors as Apollo
      // expects (it recognises them by message, to answer BAD_USER_INPUT): its reference executor answers.
      if ('data' in result) return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
    }
    return execute({ schema, document, operationName, contextValue: context, variableValues });
  };

  return {
    async load() {
      return { schema, executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async stop() {},
  };
}

/**
 * graphql-jit's errors inherit graphql-js's prototype but not its shape: one without a code has no
 * `extensions` object, which Apollo's error normalisation reads. graphql-js's own error, carrying the same
 * message, locations, path and original error, goes through Apollo exactly as a resolver error does.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const { message, locations, path, originalError, extensions } = error;
  return Object.assign(new GraphQLError(message, { path, originalError, extensions }), { locations });
}

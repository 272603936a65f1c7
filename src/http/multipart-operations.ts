import type { Upload } from '../upload/upload';
import { MultipartRequestError } from './multipart-error';

export interface GraphQLRequestBody {
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string | null;
  extensions?: Record<string, unknown>;
}

export function parseOperations(text: string): GraphQLRequestBody | MultipartRequestError {
  const value = parseField(text, 'operations');
  if (value instanceof MultipartRequestError) return value;
  if (Array.isArray(value)) return new MultipartRequestError('Batched operations are not supported in a multipart request: send one operation.');
  if (!isObject(value)) return new MultipartRequestError('The operations field must be a JSON object.');
  const { query, variables, operationName, extensions } = value;
  if (query !== undefined && typeof query !== 'string') return new MultipartRequestError('operations.query must be a string.');
  if (variables !== undefined && variables !== null && (!isObject(variables) || Array.isArray(variables))) return new MultipartRequestError('operations.variables must be an object.');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    return new MultipartRequestError('operations.operationName must be a string.');
  }
  if (extensions !== undefined && !isObject(extensions)) return new MultipartRequestError('operations.extensions must be an object.');
  return value as GraphQLRequestBody;
}

export function parseMap(text: string, operations: GraphQLRequestBody): { field: string; path: string } | MultipartRequestError {
  const value = parseField(text, 'map');
  if (value instanceof MultipartRequestError) return value;
  if (!isObject(value)) return new MultipartRequestError('The map field must be a JSON object.');
  const entries = Object.entries(value);
  if (entries.length !== 1) return new MultipartRequestError(`The map field must name exactly one file; it names ${entries.length}.`);
  const [field, paths] = entries[0]!;
  if (!Array.isArray(paths) || paths.length !== 1 || typeof paths[0] !== 'string') {
    return new MultipartRequestError(`map entry "${field}" must be a list of exactly one path.`);
  }
  const path = paths[0];
  if (!path.startsWith('variables.') || containerOf(operations, path) === undefined) {
    return new MultipartRequestError(`map path "${path}" must name a null in operations.variables.`);
  }
  return { field, path };
}

/** The object or array holding the `null` at `path`, or undefined when there is none. */
function containerOf(operations: GraphQLRequestBody, path: string): Record<string, unknown> | undefined {
  const keys = path.split('.');
  const last = keys.pop()!;
  let node: unknown = operations;
  for (const key of keys) {
    // Own properties only: a path through `__proto__` or `constructor` leads nowhere.
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return isObject(node) && Object.hasOwn(node, last) && node[last] === null ? node : undefined;
}

export function placeUpload(operations: GraphQLRequestBody, path: string, upload: Upload): void {
  containerOf(operations, path)![path.slice(path.lastIndexOf('.') + 1)] = upload;
}

function parseField(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return new MultipartRequestError(`The ${field} field is not valid JSON.`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

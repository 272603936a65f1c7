// The whole GraphQL client of the app: the generated typed documents, printed and POSTed to the same
// origin's /graphql (the example server passes it to the gateway). No Apollo Client needed for this.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql/language/printer';

const ENDPOINT = '/graphql';
const ACCEPT = 'application/graphql-response+json, application/json';

/** One GraphQL error as the page shows it. */
export interface GatewayProblem {
  message: string;
  /** `extensions.code`: one of the gateway's closed set (BAD_USER_INPUT, CONFLICT, …). */
  code?: string;
  /** Where a refused CSV file is wrong. */
  line?: number;
  column?: number;
}

/** The seeded users of the seed catalog the page can sign in as (the emulator's test-only caller tokens). */
export type SignedInUser = 'owner' | 'reader' | 'stranger';

let signedIn: { user: SignedInUser; authorization: string; until: number } | undefined;
/** The user asked for last: a slower answer for an earlier choice must not sign the page in as someone else. */
let requested: SignedInUser | undefined;

/** Gets a token for `user` from the example server (minted by the emulator) and sends it from now on. */
export async function signIn(user: SignedInUser): Promise<void> {
  requested = user;
  let response: Response;
  try {
    response = await fetch('/example/caller-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user }) });
  } catch {
    throw new GatewayError([{ message: 'The example server is not reachable (is `npm run example` still running?).' }]);
  }
  const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown };
  if (!response.ok || typeof body.access_token !== 'string') throw new GatewayError([{ message: `No token for the ${user}: the example server answered HTTP ${response.status}.` }]);
  if (requested !== user) return;
  // A new one a minute before this one expires.
  signedIn = { user, authorization: `Bearer ${body.access_token}`, until: Date.now() + (Number(body.expires_in) - 60) * 1000 };
}

/** `Authorization` for HTTP, and `connection_init`'s payload on the WebSocket; renewed when it is about to expire. */
export async function callerAuthorization(): Promise<string | undefined> {
  if (signedIn && !(Date.now() < signedIn.until)) await signIn(signedIn.user);
  return signedIn?.authorization;
}

export class GatewayError extends Error {
  constructor(readonly problems: GatewayProblem[]) {
    super(problems.map((problem) => problem.message).join('\n'));
  }
}

export async function execute<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<TData> {
  const response = await send({
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return readAnswer<TData>(response);
}

/**
 * Sends an operation whose variables hold a file, as the GraphQL multipart request spec says:
 * `operations` (the file replaced by null), `map` (where it goes), then the file as part `0`.
 * The browser streams the file from disk; the gateway streams it on to Graph.
 */
export async function executeUpload<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<TData> {
  const files: [path: string, file: Blob][] = [];
  const withoutFiles = JSON.parse(JSON.stringify(variables, (_key, value: unknown) => (value instanceof Blob ? null : value)));
  collectFiles(variables, 'variables', files);
  if (files.length !== 1) throw new GatewayError([{ message: `An upload carries exactly one file, not ${files.length}.` }]);
  const [[path, file]] = files as [[string, Blob]];

  const form = new FormData();
  form.append('operations', JSON.stringify({ query: print(document), variables: withoutFiles }));
  form.append('map', JSON.stringify({ 0: [path] }));
  form.append('0', file, file instanceof File ? file.name : 'upload.csv');
  // A header a plain HTML form cannot send: the gateway's CSRF prevention refuses multipart without it.
  return readAnswer<TData>(await send({ method: 'POST', headers: { accept: ACCEPT, 'apollo-require-preflight': 'true' }, body: form }));
}


function collectFiles(value: unknown, path: string, files: [string, Blob][]): void {
  if (value instanceof Blob) files.push([path, value]);
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) collectFiles(inner, `${path}.${key}`, files);
  }
}

async function send(init: RequestInit): Promise<Response> {
  const authorization = await callerAuthorization();
  try {
    return await fetch(ENDPOINT, authorization === undefined ? init : { ...init, headers: { ...(init.headers as Record<string, string>), authorization } });
  } catch {
    throw new GatewayError([{ message: 'The example server is not reachable (is `npm run example` still running?).' }]);
  }
}

interface RawError {
  message: string;
  extensions?: { code?: unknown; line?: unknown; column?: unknown };
}

async function readAnswer<TData>(response: Response): Promise<TData> {
  let body: { data?: TData | null; errors?: RawError[] };
  try {
    body = await response.json();
  } catch {
    throw new GatewayError([{ message: `The gateway answered HTTP ${response.status} without a GraphQL body.` }]);
  }
  if (body.errors?.length) throw new GatewayError(body.errors.map(toProblem));
  if (!body.data) throw new GatewayError([{ message: `The gateway answered HTTP ${response.status} without data.` }]);
  return body.data;
}

function toProblem({ message, extensions = {} }: RawError): GatewayProblem {
  const { code, line, column } = extensions;
  return {
    message: code === 'FORBIDDEN' ? forbidden(message) : message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof line === 'number' ? { line } : {}),
    ...(typeof column === 'number' ? { column } : {}),
  };
}

/** A refusal said in terms of who is signed in, with the gateway's own words after it. */
function forbidden(message: string): string {
  if (signedIn?.user === 'reader') return `You are a Catalog reader: only a Catalog owner can create, change or complete sessions and reviews. (${message})`;
  if (signedIn?.user === 'stranger') return `You hold no role on this catalog: only its Catalog owners and readers can see its sessions and reviews. (${message})`;
  return message;
}

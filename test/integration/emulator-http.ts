import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { createEmulator, type Emulator } from '../../src/emulator/server/emulator-server';
import type { FaultSpec } from '../../src/emulator/server/faults';

/** Helpers for the emulator's own tests: real HTTP to an emulator on 127.0.0.1, as a Graph client would. */

/** An emulator of the test file's own on 127.0.0.1: started before its tests, closed after them. */
export function emulatorForTests(): { readonly emulator: Emulator; readonly origin: string; readonly port: number } {
  const running = { emulator: createEmulator(), origin: '', port: 0 };
  beforeAll(async () => {
    const url = await running.emulator.listen(0, '127.0.0.1');
    running.origin = url.origin;
    running.port = Number(url.port);
  });
  afterAll(() => running.emulator.close());
  return running;
}

/** The session path shapes Microsoft's generated SDKs build, per version (the emulator serves exactly these). */
export type PathShape = 'beta-seed' | 'beta-catalogs' | 'beta-resource' | 'v1.0' | 'v1.0-catalogs' | 'v1.0-resource';

export const PATH_SHAPES: readonly PathShape[] = ['beta-seed', 'beta-catalogs', 'beta-resource', 'v1.0', 'v1.0-catalogs', 'v1.0-resource'];

/** `…/uploadSessions` of a catalog's resource in one of the shapes (the `-resource` ones name no catalog). */
export function sessionsUrl(origin: string, shape: PathShape, catalogId: string, resourceId: string): string {
  switch (shape) {
    case 'beta-seed':
      return `${origin}/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/${catalogId}/accessPackageResources/${resourceId}/uploadSessions`;
    case 'beta-catalogs':
      return `${origin}/beta/identityGovernance/catalogs/${catalogId}/accessPackageResources/${resourceId}/uploadSessions`;
    case 'beta-resource':
      return `${origin}/beta/identityGovernance/entitlementManagement/accessPackageResources/${resourceId}/uploadSessions`;
    case 'v1.0':
      return `${origin}/v1.0/identityGovernance/entitlementManagement/catalogs/${catalogId}/resources/${resourceId}/uploadSessions`;
    case 'v1.0-catalogs':
      return `${origin}/v1.0/identityGovernance/catalogs/${catalogId}/resources/${resourceId}/uploadSessions`;
    case 'v1.0-resource':
      return `${origin}/v1.0/identityGovernance/entitlementManagement/resources/${resourceId}/uploadSessions`;
  }
}

/** A new catalog and resource, registered through the control API (the emulator answers 404 for unknown ones). */
export async function newResource(origin: string): Promise<{ catalogId: string; resourceId: string }> {
  const resource = { catalogId: randomUUID(), resourceId: randomUUID() };
  const reply = await call('POST', `${origin}/_emulator/resources`, { json: resource });
  if (reply.status !== 201) throw new Error(`resource refused: ${reply.text}`);
  return resource;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown> & { value?: Record<string, unknown>[]; error?: { code: string; message: string } };
}

/** One call; every Graph call carries a bearer token (the emulator accepts any without an issuer). */
export async function call(method: string, url: string, options: { json?: unknown; body?: Buffer | string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { authorization: 'Bearer test', ...options.headers };
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const response = await request(url, {
    method: method as 'GET',
    headers,
    body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
  });
  const text = await response.body.text();
  let json: Reply['json'] = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = {};
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}

export function createBody(reviewInstanceId: string = randomUUID(), dataType = 'accessReviewContextData'): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession',
    data: { '@odata.type': `#microsoft.graph.customDataProvidedResourcePayloads.${dataType}`, reviewDefinitionId: randomUUID(), reviewInstanceId },
  };
}

export interface Part {
  name: string;
  filename?: string;
  content: Buffer | string;
}

/** A multipart/form-data body, as Graph's uploadFile page shows it. */
export function multipart(parts: Part[], { close = true } = {}): { body: Buffer; contentType: string } {
  const boundary = `----emulator${randomUUID()}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename !== undefined ? 'Content-Type: application/octet-stream\r\n' : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`), Buffer.from(part.content), Buffer.from('\r\n'));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function addFault(origin: string, spec: FaultSpec): Promise<void> {
  const reply = await call('POST', `${origin}/_emulator/faults`, { json: spec });
  if (reply.status !== 201) throw new Error(`fault refused: ${reply.text}`);
}

export async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!condition()) throw new Error('condition not met');
}

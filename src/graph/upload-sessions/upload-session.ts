
export enum UploadSessionStatus {
  ACTIVE = 'ACTIVE',
  COMPLETE = 'COMPLETE',
  EXPIRED = 'EXPIRED',
  UNKNOWN_FUTURE_VALUE = 'UNKNOWN_FUTURE_VALUE',
}

export enum UploadSessionContextKind {
  ACCESS_REVIEW = 'ACCESS_REVIEW',
  APPLY_DECISION = 'APPLY_DECISION',
  UNKNOWN_FUTURE_VALUE = 'UNKNOWN_FUTURE_VALUE',
}

/** Graph's `data`: what the session's data is for, told apart by the payload's derived `@odata.type`. */
export interface UploadSessionReviewContext {
  kind: UploadSessionContextKind;
  reviewDefinitionId: string | null;
  reviewInstanceId: string | null;
}

export interface UploadedFile {
  id: string | null;
  name: string;
  size: number;
  uploadedDateTime: Date | null;
}

/** An upload session as the gateway serves it, whatever shape Graph answered in. */
export interface UploadSession {
  id: string;
  catalogId: string;
  resourceId: string;
  status: UploadSessionStatus;
  isUploadDone: boolean;
  referenceId: string | null;
  stats: { filesUploaded: number; totalBytesUploaded: number };
  /** undefined when Graph did not send the list inline: it is then fetched on demand. */
  files: UploadedFile[] | undefined;
  createdDateTime: Date | null;
  expirationDateTime: Date | null;
  /** Graph's `data`; null when Graph sent none. */
  reviewContext: UploadSessionReviewContext | null;
}

/** Thrown for a Graph answer that does not have the session's shape. */
export class UnreadableSessionError extends Error {}

const STATUSES = new Map<string, UploadSessionStatus>([
  ['active', UploadSessionStatus.ACTIVE],
  ['complete', UploadSessionStatus.COMPLETE],
  ['expired', UploadSessionStatus.EXPIRED],
]);

/**
 * The one mapping from Graph's JSON to the served session. It reads both shapes Graph has used:
 * capitalised status with files inline (Oct 2025), and lowercase status with `@odata.type` and
 * files only on `$expand=files` (Apr 2026, v1.0).
 */
export function toUploadSession(json: unknown, key: { readonly catalogId: string; readonly resourceId: string }): UploadSession {
  const body = record(json, 'the session');
  const stats = record(body.stats, 'stats');
  return {
    id: requiredString(body.id, 'id'),
    catalogId: key.catalogId,
    resourceId: key.resourceId,
    status: toStatus(body.status),
    isUploadDone: requiredBoolean(body.isUploadDone, 'isUploadDone'),
    referenceId: optionalString(body.referenceId, 'referenceId'),
    stats: {
      filesUploaded: int64(stats.filesUploaded, 'stats.filesUploaded'),
      totalBytesUploaded: int64(stats.totalBytesUploaded, 'stats.totalBytesUploaded'),
    },
    files: body.files === undefined || body.files === null ? undefined : toFiles(body.files),
    createdDateTime: dateTime(body.createdDateTime, 'createdDateTime'),
    expirationDateTime: dateTime(body.expirationDateTime, 'expirationDateTime'),
    reviewContext: toReviewContext(body.data),
  };
}

const PAYLOAD_KINDS = new Map<string, UploadSessionContextKind>([
  ['#microsoft.graph.customdataprovidedresourcepayloads.accessreviewcontextdata', UploadSessionContextKind.ACCESS_REVIEW],
  ['#microsoft.graph.customdataprovidedresourcepayloads.applydecisioncontextdata', UploadSessionContextKind.APPLY_DECISION],
]);

/**
 * Both payload types derive from accessReviewContextDataBase {reviewDefinitionId, reviewInstanceId}.
 * A payload type Graph adds later (or none named) is UNKNOWN_FUTURE_VALUE, never an error: the ids
 * are still passed on when present. ASSUMPTION: the type name is compared case-insensitively, and with
 * or without the `#microsoft.graph.` namespace's leading `#`, as OData type names are.
 */
function toReviewContext(value: unknown): UploadSessionReviewContext | null {
  if (value === undefined || value === null) return null;
  const data = record(value, 'data');
  const type = typeof data['@odata.type'] === 'string' ? data['@odata.type'].toLowerCase().replace(/^#?/, '#') : '';
  return {
    kind: PAYLOAD_KINDS.get(type) ?? UploadSessionContextKind.UNKNOWN_FUTURE_VALUE,
    reviewDefinitionId: optionalString(data.reviewDefinitionId, 'data.reviewDefinitionId'),
    reviewInstanceId: optionalString(data.reviewInstanceId, 'data.reviewInstanceId'),
  };
}

/** Reads `files` from a session answer, or from a `files` collection answer (`{"value": [...]}`). */
export function toFiles(json: unknown): UploadedFile[] {
  if (!Array.isArray(json)) throw new UnreadableSessionError('files is not a list');
  return json.map((item, index) => {
    const file = record(item, `files[${index}]`);
    return {
      id: optionalString(file.id, `files[${index}].id`),
      name: requiredString(file.name, `files[${index}].name`),
      size: int64(file.size, `files[${index}].size`),
      uploadedDateTime: dateTime(file.uploadedDateTime, `files[${index}].uploadedDateTime`),
    };
  });
}

function toStatus(value: unknown): UploadSessionStatus {
  return (typeof value === 'string' && STATUSES.get(value.toLowerCase())) || UploadSessionStatus.UNKNOWN_FUTURE_VALUE;
}

export function record(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UnreadableSessionError(`${name} is not an object`);
  }
  return value as Record<string, unknown>;
}

export function requiredString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new UnreadableSessionError(`${name} is missing`);
  return value;
}

export function optionalString(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new UnreadableSessionError(`${name} is not a string`);
  return value;
}

function requiredBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new UnreadableSessionError(`${name} is missing`);
  return value;
}

/** Graph's Int64 arrives as a number, or as a string under `IEEE754Compatible=true`. */
function int64(value: unknown, name: string): number {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
    throw new UnreadableSessionError(`${name} is not a whole number up to 2^53-1`);
  }
  return number;
}

export function dateTime(value: unknown, name: string): Date | null {
  if (value === undefined || value === null) return null;
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new UnreadableSessionError(`${name} is not a date-time`);
  return date;
}

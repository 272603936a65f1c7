import { dateTime, int64, optionalString, record, requiredBoolean, requiredString, UnreadableAnswerError } from '../odata/json-readers';


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

/** Reads `files` from a session answer. */
export function toFiles(json: unknown): UploadedFile[] {
  if (!Array.isArray(json)) throw new UnreadableAnswerError('files is not a list');
  return json.map((item, index) => toFile(item, `files[${index}]`));
}

/** One file of a session, as `files` inline or the `files` collection carries it. */
export function toFile(json: unknown, name = 'the file'): UploadedFile {
  const file = record(json, name);
  return {
    id: optionalString(file.id, `${name}.id`),
    name: requiredString(file.name, `${name}.name`),
    size: int64(file.size, `${name}.size`),
    uploadedDateTime: dateTime(file.uploadedDateTime, `${name}.uploadedDateTime`),
  };
}

function toStatus(value: unknown): UploadSessionStatus {
  return (typeof value === 'string' && STATUSES.get(value.toLowerCase())) || UploadSessionStatus.UNKNOWN_FUTURE_VALUE;
}

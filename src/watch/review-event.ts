import { createHash } from 'node:crypto';
import type { WatchTarget } from '../config';

/** The events of the contract's AccessReviewEventType, in lifecycle order: a poll reports one instance's events in this order. */
export const EVENT_TYPES = ['NEEDS_UPLOAD', 'UPLOAD_DEADLINE_NEAR', 'UPLOAD_WINDOW_MISSED', 'UPLOAD_COMPLETED', 'APPLYING', 'APPLIED'] as const;
export type ReviewEventType = (typeof EVENT_TYPES)[number];

/** An upload session as an event carries it: its id, status and stats, never its files. */
export interface SessionSnapshot {
  id: string;
  status: string;
  isUploadDone: boolean;
  referenceId: string | null;
  stats: { filesUploaded: number; totalBytesUploaded: number };
  createdDateTime: string | null;
  expirationDateTime: string | null;
}

/** A review instance as `accessReviews` returns it, at the time of the event: plain JSON, so Redis and webhooks carry it as it is. */
export interface ReviewSnapshot {
  id: string;
  reviewDefinitionId: string;
  displayName: string | null;
  status: string;
  startDateTime: string | null;
  endDateTime: string | null;
  uploadDeadline: string | null;
  needsUpload: boolean;
  uploadSession: SessionSnapshot | null;
}

/** One transition of one review instance. The webhook body is this without `tenantId` (webhookBody). */
export interface ReviewEvent {
  id: string;
  type: ReviewEventType;
  /** ISO 8601: when the gateway saw the transition. */
  occurredAt: string;
  /** Which watched resource's subscribers it goes to; '' when the gateway has no tenant of its own (emulator). */
  tenantId: string;
  catalogId: string;
  resourceId: string;
  review: ReviewSnapshot;
}

/** The JSON a webhook POSTs: the contract's fields, in its order. */
export function webhookBody({ id, type, occurredAt, catalogId, resourceId, review }: ReviewEvent): string {
  return JSON.stringify({ id, type, occurredAt, catalogId, resourceId, review });
}

/** A fixed namespace of ours for the event ids (RFC 9562 name-based UUIDs): any constant works, as long as it never changes. */
const EVENT_NAMESPACE = Buffer.from('6f1c7c6e2b0a4f7d9c3e5a8b1d2e4f60', 'hex');

/**
 * The id of one (instance, event type) of one watched resource: a UUIDv5 of its tenant, catalog, resource,
 * instance and type, so every replica, a failover and a webhook retry all name the same transition alike.
 */
export function eventId(target: Pick<WatchTarget, 'tenantId' | 'catalogId' | 'resourceId'>, instanceId: string, type: ReviewEventType): string {
  const name = [target.tenantId, target.catalogId, target.resourceId, instanceId, type].map((part) => part.toLowerCase()).join('/');
  const hash = createHash('sha1').update(EVENT_NAMESPACE).update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The topic one watched resource's events go to, on every replica. */
export function topicOf(target: Pick<WatchTarget, 'tenantId' | 'catalogId' | 'resourceId'>): string {
  return `${target.tenantId}:${target.catalogId}/${target.resourceId}`.toLowerCase();
}

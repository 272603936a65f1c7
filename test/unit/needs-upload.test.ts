import { AccessReviewStatus, toInstance } from '../../src/graph/access-reviews/review';
import { needsUpload } from '../../src/graph/access-reviews/review-client';
import type { UploadSession } from '../../src/graph/upload-sessions/upload-session';

const definition = { id: 'd1000000-0000-4000-8000-000000000001', displayName: 'Building A', catalogIds: [] };
const NOW = Date.parse('2026-12-07T12:00:00Z');
const startedHoursAgo = (hours: number, status = 'Initializing') =>
  toInstance({ id: 'a1000000-0000-4000-8000-000000000001', status, startDateTime: new Date(NOW - hours * 3600_000).toISOString() }, definition);
const none = new Map<string, UploadSession>();

describe('needsUpload', () => {
  it('holds for an INITIALIZING instance without a completed session while its two-hour window is open', () => {
    expect(needsUpload(startedHoursAgo(1.5), none, NOW)).toBe(true);
  });

  it('ends at the upload deadline: an instance INITIALIZING for three hours needs no upload any more', () => {
    const late = startedHoursAgo(3);
    expect(late.status).toBe(AccessReviewStatus.INITIALIZING);
    expect(needsUpload(late, none, NOW)).toBe(false);
    expect(needsUpload(startedHoursAgo(2), none, NOW)).toBe(false);
  });

  it('does not hold in another phase', () => {
    expect(needsUpload(startedHoursAgo(0.5, 'InProgress'), none, NOW)).toBe(false);
  });

  it('reads the real clock by default', () => {
    expect(needsUpload(toInstance({ id: 'a1', status: 'Initializing', startDateTime: new Date(Date.now() - 3 * 3600_000).toISOString() }, definition), none)).toBe(false);
  });
});

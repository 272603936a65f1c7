import { parseSessionKey } from '../../src/graph/odata/ids';
import { UnreadableAnswerError } from '../../src/graph/odata/json-readers';
import { toUploadSession, UploadSessionContextKind, UploadSessionStatus } from '../../src/graph/upload-sessions/upload-session';

const key = parseSessionKey({
  catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff',
  resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff',
  uploadSessionId: '23f27c15-72f9-45fe-9e9c-e3d8f75bdc44',
});

describe('toUploadSession', () => {
  it('reads the Oct 2025 shape: capitalised status, files inline without ids, expirationDateTime', () => {
    const session = toUploadSession(
      {
        id: key.uploadSessionId,
        status: 'Complete',
        isUploadDone: true,
        stats: { filesUploaded: 1, totalBytesUploaded: 2000000 },
        files: [{ name: 'building-a-access.csv', size: 2000000, uploadedDateTime: '2024-03-06T01:35:12.123Z' }],
        createdDateTime: '2024-03-06T01:35:12.123Z',
        expirationDateTime: '2024-03-07T01:35:12.123Z',
      },
      key,
    );
    expect(session).toEqual({
      id: key.uploadSessionId,
      catalogId: key.catalogId,
      resourceId: key.resourceId,
      status: UploadSessionStatus.COMPLETE,
      isUploadDone: true,
      referenceId: null,
      stats: { filesUploaded: 1, totalBytesUploaded: 2000000 },
      files: [{ id: null, name: 'building-a-access.csv', size: 2000000, uploadedDateTime: new Date('2024-03-06T01:35:12.123Z') }],
      createdDateTime: new Date('2024-03-06T01:35:12.123Z'),
      expirationDateTime: new Date('2024-03-07T01:35:12.123Z'),
      reviewContext: null,
    });
  });

  it('reads the Apr 2026 shape: lowercase status, @odata.type, 7 fraction digits, no files', () => {
    const session = toUploadSession(
      {
        '@odata.context': 'https://graph.microsoft.com/beta/$metadata#x/$entity',
        '@odata.type': '#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession',
        id: key.uploadSessionId,
        createdDateTime: '2026-04-01T10:00:00.1234567Z',
        isUploadDone: false,
        referenceId: 'f0c9c0b4-9a6e-4b8d-9c3c-7c2f3c1b1a11',
        status: 'active',
        stats: { filesUploaded: 0, totalBytesUploaded: 0 },
      },
      key,
    );
    expect(session.status).toBe(UploadSessionStatus.ACTIVE);
    expect(session.files).toBeUndefined();
    expect(session.expirationDateTime).toBeNull();
    expect(session.referenceId).toBe('f0c9c0b4-9a6e-4b8d-9c3c-7c2f3c1b1a11');
    expect(session.createdDateTime?.toISOString()).toBe('2026-04-01T10:00:00.123Z');
  });

  it('carries Int64 values above 2^32 exactly, as numbers or IEEE754Compatible strings', () => {
    const big = 2 ** 40 + 7;
    const session = toUploadSession(
      {
        id: 'x',
        isUploadDone: true,
        status: 'complete',
        stats: { filesUploaded: 2, totalBytesUploaded: String(big + 5_000_000_000) },
        files: [{ name: 'a.csv', size: big }, { name: 'b.csv', size: '5000000000' }],
      },
      key,
    );
    expect(session.stats.totalBytesUploaded).toBe(big + 5_000_000_000);
    expect(session.files?.map((file) => file.size)).toEqual([big, 5_000_000_000]);
  });

  it.each([['Expired', UploadSessionStatus.EXPIRED], ['COMPLETE', UploadSessionStatus.COMPLETE], ['unknownFutureValue', UploadSessionStatus.UNKNOWN_FUTURE_VALUE], ['processing', UploadSessionStatus.UNKNOWN_FUTURE_VALUE], ['constructor', UploadSessionStatus.UNKNOWN_FUTURE_VALUE], ['__proto__', UploadSessionStatus.UNKNOWN_FUTURE_VALUE], [undefined, UploadSessionStatus.UNKNOWN_FUTURE_VALUE], [42, UploadSessionStatus.UNKNOWN_FUTURE_VALUE]])(
    'maps status %p to %s without failing',
    (status, expected) => {
      expect(toUploadSession({ id: 'x', isUploadDone: false, status, stats: { filesUploaded: 0, totalBytesUploaded: 0 } }, key).status).toBe(expected);
    },
  );

  it.each([
    ['not an object', 'hello'],
    ['no id', { isUploadDone: true, stats: { filesUploaded: 0, totalBytesUploaded: 0 } }],
    ['no isUploadDone', { id: 'x', stats: { filesUploaded: 0, totalBytesUploaded: 0 } }],
    ['no stats', { id: 'x', isUploadDone: true }],
    ['a byte count beyond 2^53-1', { id: 'x', isUploadDone: true, stats: { filesUploaded: 0, totalBytesUploaded: '9007199254740993' } }],
    ['a file without a name', { id: 'x', isUploadDone: true, stats: { filesUploaded: 1, totalBytesUploaded: 1 }, files: [{ size: 1 }] }],
    ['data that is not an object', { id: 'x', isUploadDone: true, stats: { filesUploaded: 0, totalBytesUploaded: 0 }, data: 'review' }],
    ['a review id that is not a string', { id: 'x', isUploadDone: true, stats: { filesUploaded: 0, totalBytesUploaded: 0 }, data: { reviewInstanceId: 7 } }],
    ['a date that is not a date', { id: 'x', isUploadDone: true, stats: { filesUploaded: 0, totalBytesUploaded: 0 }, createdDateTime: 'yesterday' }],
  ])('refuses %s', (_name, json) => {
    expect(() => toUploadSession(json, key)).toThrow(UnreadableAnswerError);
  });

  describe('reviewContext (Graph\'s data)', () => {
    const base = { id: 'x', isUploadDone: false, status: 'active', stats: { filesUploaded: 0, totalBytesUploaded: 0 } };
    const ids = { reviewDefinitionId: 'd0c9c0b4-9a6e-4b8d-9c3c-7c2f3c1b1a11', reviewInstanceId: 'f0c9c0b4-9a6e-4b8d-9c3c-7c2f3c1b1a11' };

    it('reads the v1.0 create answer: an access review payload', () => {
      const data = { '@odata.type': '#microsoft.graph.customDataProvidedResourcePayloads.accessReviewContextData', ...ids };
      expect(toUploadSession({ ...base, data }, key).reviewContext).toEqual({ kind: UploadSessionContextKind.ACCESS_REVIEW, ...ids });
    });

    it.each([
      ['#microsoft.graph.customDataProvidedResourcePayloads.applyDecisionContextData', UploadSessionContextKind.APPLY_DECISION],
      ['microsoft.graph.customDataProvidedResourcePayloads.ACCESSREVIEWCONTEXTDATA', UploadSessionContextKind.ACCESS_REVIEW],
      ['#microsoft.graph.customDataProvidedResourcePayloads.somethingNew', UploadSessionContextKind.UNKNOWN_FUTURE_VALUE],
      [undefined, UploadSessionContextKind.UNKNOWN_FUTURE_VALUE],
    ])('maps the payload type %p to %s', (type, kind) => {
      const session = toUploadSession({ ...base, data: { '@odata.type': type, ...ids } }, key);
      expect(session.reviewContext).toEqual({ kind, ...ids });
    });

    it('is null when Graph sends no data, and keeps absent ids null', () => {
      expect(toUploadSession(base, key).reviewContext).toBeNull();
      expect(toUploadSession({ ...base, data: null }, key).reviewContext).toBeNull();
      expect(toUploadSession({ ...base, data: {} }, key).reviewContext).toEqual({
        kind: UploadSessionContextKind.UNKNOWN_FUTURE_VALUE,
        reviewDefinitionId: null,
        reviewInstanceId: null,
      });
    });
  });
});

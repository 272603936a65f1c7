import { randomUUID } from 'node:crypto';
import { SessionStore } from '../../src/emulator/upload-sessions/session-store';

const data = (reviewInstanceId = randomUUID()) => ({
  '@odata.type': '#microsoft.graph.customDataProvidedResourcePayloads.accessReviewContextData',
  reviewDefinitionId: randomUUID(),
  reviewInstanceId,
});

describe('SessionStore', () => {
  const [catalogId, resourceId] = [randomUUID(), randomUUID()];

  it('counts files of several GB exactly (Graph Int64 as JS numbers up to 2^53-1)', () => {
    const store = new SessionStore();
    const outcome = store.create(catalogId, resourceId, data());
    expect(outcome.kind).toBe('created');
    const key = outcome.session.key;
    const sizes = [5 * 2 ** 30 + 1, 3 * 2 ** 32 + 7, 2 ** 31];
    for (const size of sizes) expect(store.addFile(key, 'big.csv', size).kind).toBe('added');
    const total = store.get(key)!.files.reduce((sum, file) => sum + file.size, 0);
    expect(total).toBe(5 * 2 ** 30 + 1 + 3 * 2 ** 32 + 7 + 2 ** 31);
    expect(Number.isSafeInteger(total)).toBe(true);
  });

  it('keeps one session per review instance and resource, lets an expired one be replaced', () => {
    let now = Date.parse('2026-11-30T00:00:00Z');
    const store = new SessionStore(() => now);
    const review = data();
    const first = store.create(catalogId, resourceId, review);
    expect(store.create(catalogId, resourceId, review)).toMatchObject({ kind: 'exists', session: first.session });
    now += 25 * 60 * 60 * 1000; // past the assumed 24-hour lifetime
    const second = store.create(catalogId, resourceId, review);
    expect(second.kind).toBe('created');
    store.complete(second.session.key);
    expect(store.create(catalogId, resourceId, review)).toMatchObject({ kind: 'already-complete', session: second.session });
  });

  it('deletes active and expired sessions, never a completed one; files go only into an active one', () => {
    const store = new SessionStore();
    const active = store.create(catalogId, resourceId, data()).session;
    const done = store.create(catalogId, resourceId, data()).session;
    store.complete(done.key);
    expect(store.addFile(done.key, 'a.csv', 1).kind).toBe('already-complete');
    expect(store.delete(done.key).kind).toBe('already-complete');
    expect(store.delete(active.key).kind).toBe('deleted');
    expect(store.delete(active.key).kind).toBe('not-found');
    expect(store.addFile(active.key, 'a.csv', 1).kind).toBe('not-found');
    const expired = store.add({ catalogId, resourceId, createdDateTime: '2024-03-06T01:35:12.123Z' });
    expect(store.addFile(expired.key, 'a.csv', 1).kind).toBe('expired');
    expect(store.delete(expired.key).kind).toBe('deleted');
  });

  it('lists oldest first, ties in creation order', () => {
    const store = new SessionStore(() => Date.parse('2026-11-30T00:00:00Z'));
    const later = store.add({ catalogId, resourceId, createdDateTime: '2026-11-30T10:00:00.000Z' });
    const ids = [store.create(catalogId, resourceId, data()), store.create(catalogId, resourceId, data())].map((o) => o.session.key.uploadSessionId);
    expect(store.list(catalogId, resourceId).map((s) => s.key.uploadSessionId)).toEqual([...ids, later.key.uploadSessionId]);
  });
});

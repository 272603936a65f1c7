import { eventId, topicOf, webhookBody, type ReviewEvent } from '../../src/watch/review-event';
import { conditions, transitions, type ObservedInstance, type ResourceState } from '../../src/watch/transitions';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const MIN = 60_000;
const WARNING = 30 * MIN;

function instance(status: string, extra: Partial<ObservedInstance> = {}): ObservedInstance {
  const uploadDeadline = status === 'INITIALIZING' ? NOW + 100 * MIN : null;
  return { id: 'I-1', status, uploadDeadline, uploadDone: false, ...extra };
}

function types(previous: ResourceState | undefined, observed: ObservedInstance[], now = NOW): string[] {
  return transitions(previous, observed, now, WARNING).due.map(({ type }) => type);
}

/** The state after a poll that saw `observed`. */
function seen(observed: ObservedInstance[], previous: ResourceState | undefined = { instances: {} }): ResourceState {
  return transitions(previous, observed, NOW, WARNING).next;
}

describe('conditions', () => {
  it.each([
    ['INITIALIZING, window open', instance('INITIALIZING'), ['NEEDS_UPLOAD']],
    ['INITIALIZING, 30 minutes left', instance('INITIALIZING', { uploadDeadline: NOW + WARNING }), ['NEEDS_UPLOAD', 'UPLOAD_DEADLINE_NEAR']],
    ['INITIALIZING, deadline passed', instance('INITIALIZING', { uploadDeadline: NOW }), ['UPLOAD_WINDOW_MISSED']],
    ['INITIALIZING, uploaded', instance('INITIALIZING', { uploadDone: true }), ['UPLOAD_COMPLETED']],
    ['IN_PROGRESS without upload', instance('IN_PROGRESS'), ['UPLOAD_WINDOW_MISSED']],
    ['IN_PROGRESS, uploaded', instance('IN_PROGRESS', { uploadDone: true }), ['UPLOAD_COMPLETED']],
    ['APPLYING without upload', instance('APPLYING'), ['UPLOAD_WINDOW_MISSED', 'APPLYING']],
    ['APPLIED, uploaded', instance('APPLIED', { uploadDone: true }), ['UPLOAD_COMPLETED', 'APPLYING', 'APPLIED']],
    ['NOT_STARTED', instance('NOT_STARTED'), []],
    ['a status Graph adds later', instance('UNKNOWN_FUTURE_VALUE'), []],
  ])('%s', (_, observed, expected) => {
    expect(conditions(observed, NOW, WARNING)).toEqual(expected);
  });
});

describe('the first poll of a resource', () => {
  it('reports what calls for action now: NEEDS_UPLOAD (with DEADLINE_NEAR when that close) and APPLYING', () => {
    const observed = [
      instance('INITIALIZING', { id: 'A', uploadDeadline: NOW + 10 * MIN }),
      instance('APPLYING', { id: 'B' }),
      instance('APPLIED', { id: 'C' }),
      instance('IN_PROGRESS', { id: 'D' }),
      instance('INITIALIZING', { id: 'E', uploadDone: true }),
    ];
    const { due } = transitions(undefined, observed, NOW, WARNING);
    expect(due).toEqual([
      { instanceId: 'A', type: 'NEEDS_UPLOAD' },
      { instanceId: 'A', type: 'UPLOAD_DEADLINE_NEAR' },
      { instanceId: 'B', type: 'APPLYING' },
    ]);
  });

  it('remembers the rest as seen, so nothing of it is reported later', () => {
    const state = transitions(undefined, [instance('APPLIED'), instance('IN_PROGRESS', { id: 'D' })], NOW, WARNING).next;
    expect(types(state, [instance('APPLIED'), instance('IN_PROGRESS', { id: 'D' })])).toEqual([]);
    expect(state.instances['i-1']).toEqual({ status: 'APPLIED', reported: ['UPLOAD_WINDOW_MISSED', 'APPLYING', 'APPLIED'] });
  });

  it('an empty state is not a first poll: a resource polled before with no reviews reports a new one', () => {
    expect(types({ instances: {} }, [instance('IN_PROGRESS')])).toEqual(['UPLOAD_WINDOW_MISSED']);
  });
});

describe('later polls', () => {
  it('the whole life of a review, one poll per phase, each event once', () => {
    let state = seen([]);
    const poll = (observed: ObservedInstance, now = NOW) => {
      const result = transitions(state, [observed], now, WARNING);
      state = result.next;
      return result.due.map(({ type }) => type);
    };
    expect(poll(instance('INITIALIZING'))).toEqual(['NEEDS_UPLOAD']);
    expect(poll(instance('INITIALIZING'))).toEqual([]);
    expect(poll(instance('INITIALIZING'), NOW + 71 * MIN)).toEqual(['UPLOAD_DEADLINE_NEAR']);
    expect(poll(instance('INITIALIZING', { uploadDone: true }), NOW + 72 * MIN)).toEqual(['UPLOAD_COMPLETED']);
    expect(poll(instance('IN_PROGRESS', { uploadDone: true }))).toEqual([]);
    expect(poll(instance('APPLYING', { uploadDone: true }))).toEqual(['APPLYING']);
    expect(poll(instance('APPLYING', { uploadDone: true }))).toEqual([]);
    expect(poll(instance('APPLIED', { uploadDone: true }))).toEqual(['APPLIED']);
    expect(poll(instance('APPLIED', { uploadDone: true }))).toEqual([]);
  });

  it('a deadline passing while INITIALIZING is UPLOAD_WINDOW_MISSED, and leaving INITIALIZING afterwards adds nothing', () => {
    const initializing = seen([instance('INITIALIZING')]);
    const missed = transitions(initializing, [instance('INITIALIZING')], NOW + 100 * MIN, WARNING);
    expect(missed.due.map(({ type }) => type)).toEqual(['UPLOAD_WINDOW_MISSED']);
    expect(types(missed.next, [instance('IN_PROGRESS')])).toEqual([]);
  });

  it('INITIALIZING → APPLYING unseen: UPLOAD_WINDOW_MISSED, then APPLYING (the contract’s example)', () => {
    expect(types(seen([instance('INITIALIZING')]), [instance('APPLYING')])).toEqual(['UPLOAD_WINDOW_MISSED', 'APPLYING']);
  });

  it('INITIALIZING → APPLIED unseen, uploaded: UPLOAD_COMPLETED, APPLYING, APPLIED in lifecycle order', () => {
    expect(types(seen([instance('INITIALIZING')]), [instance('APPLIED', { uploadDone: true })])).toEqual(['UPLOAD_COMPLETED', 'APPLYING', 'APPLIED']);
  });

  it('a review that began and moved on between two polls still reports what it passed', () => {
    const before = seen([instance('APPLIED', { id: 'OLD' })]);
    expect(types(before, [instance('IN_PROGRESS', { id: 'NEW' }), instance('APPLIED', { id: 'OLD' })])).toEqual(['UPLOAD_WINDOW_MISSED']);
  });

  it('a new instance is recognised whatever the case of its id', () => {
    const state = seen([instance('INITIALIZING', { id: 'ABC' })]);
    expect(types(state, [instance('INITIALIZING', { id: 'abc' })])).toEqual([]);
  });

  it('forgets instances no longer listed', () => {
    const state = seen([instance('APPLIED', { id: 'OLD' })]);
    expect(Object.keys(seen([instance('INITIALIZING', { id: 'NEW' })], state).instances)).toEqual(['new']);
  });
});

describe('event ids', () => {
  const target = { tenantId: '', catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff', resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff' };

  it('are UUIDv5s, the same for the same transition whatever the case of the ids', () => {
    const id = eventId(target, 'a1000001-3B88-4c0a-8bb3-68ba8162beff', 'NEEDS_UPLOAD');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventId({ ...target, catalogId: target.catalogId.toUpperCase() }, 'A1000001-3b88-4c0a-8bb3-68ba8162beff', 'NEEDS_UPLOAD')).toBe(id);
  });

  it('differ by tenant, catalog, resource, instance and type', () => {
    const base = eventId(target, 'i', 'APPLYING');
    expect(
      new Set([
        base,
        eventId({ ...target, tenantId: 't' }, 'i', 'APPLYING'),
        eventId({ ...target, catalogId: 'c' }, 'i', 'APPLYING'),
        eventId({ ...target, resourceId: 'r' }, 'i', 'APPLYING'),
        eventId(target, 'j', 'APPLYING'),
        eventId(target, 'i', 'APPLIED'),
      ]).size,
    ).toBe(6);
  });

  it('are fixed: a change would make receivers see every transition again', () => {
    expect(eventId(target, 'a1000001-3b88-4c0a-8bb3-68ba8162beff', 'NEEDS_UPLOAD')).toBe('56894290-b81e-52da-a7e0-64002240a8ca');
  });

  it('topics and webhook bodies', () => {
    expect(topicOf({ tenantId: 'T', catalogId: 'C', resourceId: 'R' })).toBe('t:c/r');
    const event = { id: 'e', type: 'APPLIED', occurredAt: 'now', tenantId: 't', catalogId: 'c', resourceId: 'r', review: {} } as unknown as ReviewEvent;
    expect(JSON.parse(webhookBody(event))).toEqual({ id: 'e', type: 'APPLIED', occurredAt: 'now', catalogId: 'c', resourceId: 'r', review: {} });
  });
});

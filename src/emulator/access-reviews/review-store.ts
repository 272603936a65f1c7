import { randomUUID } from 'node:crypto';
import type { CsvRow } from '../upload-sessions/csv-rows';
import { GraphClock, graphDateTime } from '../odata/graph-dates';
import { HttpError, badRequest } from '../server/http-error';
import { APPLY_RESULTS, DECISIONS, NOT_APPLIED, PHASES, oneOf, sameId, type Identity, type StoredDecision, type StoredDefinition, type StoredInstance } from './review-model';
import { notApplying, notInProgress, reviewNotFound } from './review-refusals';
import { seededPerson, type DecisionSeed, type DefinitionSeed, type IdentitySeed, type InstanceSeed } from './review-seed';
import type { SessionStore } from '../upload-sessions/session-store';

/** Who the emulator says applied a result or decided, when the caller names no one. */
const EMULATOR_APP: Identity = { id: 'e0000000-3b88-4c0a-8bb3-68ba8162beff', displayName: 'Graph emulator', userPrincipalName: null };

/**
 * ASSUMPTION (the how-to says only that "the review stays in Applying until every decision is applied"):
 * an APPLYING instance becomes Applied once every decision of the instance that is not Approve (nothing
 * to remove) has an apply result, whichever resource it is on. Change it here.
 */
function needsApplyResult(decision: StoredDecision): boolean {
  return decision.decision !== 'Approve';
}

/**
 * ASSUMPTION (Microsoft's November 2025 how-to: "after 2 h the system moves the review to Active"; the 2026
 * version drops the sentence): an instance INITIALIZING for two hours (since its startDateTime) moves on to
 * InProgress, whether its data was uploaded or not. Applied whenever the instance is read.
 */
const INITIALIZING_FOR_MS = 2 * 60 * 60 * 1000;

/** The emulator's access reviews: definitions, their instances and the instances' decisions, in memory. */
export class ReviewStore {
  private readonly definitions = new Map<string, StoredDefinition>();
  private readonly instances = new Map<string, StoredInstance>();
  private readonly decisions = new Map<string, StoredDecision[]>();
  /** The most items one page holds whatever `$top` asks (Graph's server-driven paging); set by the control API. */
  maxPageSize: number | undefined;
  private readonly clock: GraphClock;

  constructor(
    private readonly sessions: SessionStore,
    now: () => number = Date.now,
  ) {
    this.clock = new GraphClock(now);
  }

  addDefinition(seed: DefinitionSeed): StoredDefinition {
    const definition: StoredDefinition = {
      id: seed.id ?? randomUUID(),
      displayName: seed.displayName,
      createdDateTime: this.timestamp(),
      scope: seed.groupId ? { kind: 'group', groupId: seed.groupId } : { kind: 'catalog', catalogId: seed.catalogId!, catalogDisplayName: seed.catalogDisplayName ?? 'Catalog' },
    };
    this.definitions.set(definition.id.toLowerCase(), definition);
    for (const instance of seed.instances ?? []) this.addInstance(definition.id, instance);
    return definition;
  }

  addInstance(definitionId: string, seed: InstanceSeed): StoredInstance {
    const start = seed.startDateTime ?? this.timestamp();
    const instance: StoredInstance = {
      id: seed.id ?? randomUUID(),
      definitionId,
      status: seed.status ?? 'Initializing',
      startDateTime: start,
      endDateTime: seed.endDateTime ?? graphDateTime(Date.parse(start) + 7 * 24 * 60 * 60 * 1000),
      importedSessions: new Set(),
    };
    this.instances.set(instance.id.toLowerCase(), instance);
    this.decisions.set(instance.id.toLowerCase(), []);
    this.addDecisions(instance, seed.decisions ?? []);
    return instance;
  }

  addDecisions(instance: StoredInstance, seeds: readonly DecisionSeed[]): StoredDecision[] {
    const added = seeds.map((seed) => this.toDecision(instance, seed));
    this.decisions.get(instance.id.toLowerCase())!.push(...added);
    return added;
  }

  /** Every definition, in the order they were added. */
  allDefinitions(): StoredDefinition[] {
    return [...this.definitions.values()];
  }

  definition(id: string): StoredDefinition | undefined {
    return this.definitions.get(id.toLowerCase());
  }

  instancesOf(definitionId: string): StoredInstance[] {
    return [...this.instances.values()].filter((instance) => sameId(instance.definitionId, definitionId)).map((instance) => this.settled(instance));
  }

  instance(id: string): StoredInstance | undefined {
    const instance = this.instances.get(id.toLowerCase());
    return instance && this.settled(instance);
  }

  /** A new instance of a catalog review, INITIALIZING from now (its two-hour upload window opens). */
  startInstance(definition: StoredDefinition): StoredInstance {
    return this.addInstance(definition.id, { status: 'Initializing', startDateTime: this.timestamp() });
  }

  /**
   * The emulator's clock forward, as a gateway on the real clock sees it: every instance's times move back by
   * `ms` (its upload window closes sooner, its end comes nearer). Nothing else moves.
   */
  moveClockForward(ms: number): void {
    for (const instance of this.instances.values()) {
      instance.startDateTime = graphDateTime(Date.parse(instance.startDateTime) - ms);
      instance.endDateTime = graphDateTime(Date.parse(instance.endDateTime) - ms);
    }
  }

  private settled(instance: StoredInstance): StoredInstance {
    if (instance.status === 'Initializing' && Date.parse(instance.startDateTime) + INITIALIZING_FOR_MS <= this.clock.now()) instance.status = 'InProgress';
    return instance;
  }

  /** The instance's decisions, with the rows of its completed upload sessions made into decisions first. */
  decisionsOf(instance: StoredInstance): StoredDecision[] {
    this.importUploads(instance);
    return this.decisions.get(instance.id.toLowerCase())!;
  }

  decision(instance: StoredInstance, decisionId: string): StoredDecision {
    const found = this.decisionsOf(instance).find((candidate) => sameId(candidate.id, decisionId));
    if (!found) throw reviewNotFound('decision');
    return found;
  }

  /** Sets an instance's status as given (the control API's backdoor; Graph has none). */
  setStatus(instance: StoredInstance, status: string): void {
    instance.status = status;
    // A review that enters Initializing starts its two-hour upload window now.
    if (status === 'Initializing') instance.startDateTime = this.timestamp();
  }

  /** Moves an instance to its next phase: Initializing → InProgress → Applying → Applied. */
  advance(instance: StoredInstance): void {
    const phase = PHASES.indexOf(instance.status as (typeof PHASES)[number]);
    if (phase < 0 || phase === PHASES.length - 1) {
      throw new HttpError(409, 'Conflict', `An instance in ${instance.status} has no next phase (${PHASES.join(' → ')}).`);
    }
    this.setStatus(instance, PHASES[phase + 1]!);
  }

  /** A reviewer's decision on the given decisions; reviewers decide only while the review is in progress. */
  decide(instance: StoredInstance, decisions: readonly StoredDecision[], outcome: { decision: string; justification: string | null; reviewer: Identity | undefined }): void {
    if (instance.status !== 'InProgress') throw notInProgress(instance.status);
    for (const decision of decisions) {
      decision.decision = outcome.decision;
      decision.justification = outcome.justification;
      decision.reviewedBy = outcome.reviewer ?? EMULATOR_APP;
      decision.reviewedDateTime = this.timestamp();
    }
  }

  /** Records an apply result on decisions of an APPLYING instance, then settles the instance. */
  applyResult(instance: StoredInstance, decisions: readonly StoredDecision[], result: { applyResult: string; applyDescription: string | null }): void {
    if (instance.status !== 'Applying') throw notApplying(instance.status);
    for (const decision of decisions) {
      decision.applyResult = result.applyResult;
      decision.applyDescription = result.applyDescription;
      decision.appliedBy = EMULATOR_APP;
      decision.appliedDateTime = this.timestamp();
    }
    if (this.decisionsOf(instance).every((decision) => !needsApplyResult(decision) || decision.applyResult !== NOT_APPLIED)) instance.status = 'Applied';
  }

  /**
   * ASSUMPTIONS (graph-api-reviews.md §3: the mapping of the CSV onto decisions is not published): each row
   * of each file of a completed session for this instance (its `referenceId`) becomes one decision
   * (principal × permission) on the session's resource, NotReviewed, whatever the instance's phase; only
   * sessions under the review's own catalog count; a row without a principalId is skipped; the principal is
   * named as the seeded people name it, as Graph names it from the tenant's directory.
   */
  private importUploads(instance: StoredInstance): void {
    const definition = this.definition(instance.definitionId);
    if (definition?.scope.kind !== 'catalog') return;
    const { catalogId } = definition.scope;
    for (const session of this.sessions.withReference(instance.id)) {
      const id = session.key.uploadSessionId.toLowerCase();
      if (session.status !== 'complete' || !sameId(session.key.catalogId, catalogId) || instance.importedSessions.has(id)) continue;
      instance.importedSessions.add(id);
      const rows = session.files.flatMap((file) => file.rows ?? []);
      this.addDecisions(instance, rows.flatMap((row) => rowDecision(row, session.key.resourceId)));
    }
  }

  private toDecision(instance: StoredInstance, seed: DecisionSeed): StoredDecision {
    const applyResult = seed.applyResult === undefined || sameId(seed.applyResult, NOT_APPLIED) ? NOT_APPLIED : oneOf(seed.applyResult, APPLY_RESULTS);
    if (!applyResult) throw badRequest(`applyResult must be one of ${[NOT_APPLIED, ...APPLY_RESULTS].join(', ')}.`);
    const applied = applyResult !== NOT_APPLIED;
    const reviewed = seed.reviewedBy !== undefined;
    const decision = seed.decision === undefined ? 'NotReviewed' : oneOf(seed.decision, DECISIONS);
    if (!decision) throw badRequest(`decision must be one of ${DECISIONS.join(', ')}.`);
    const { permission = {}, resource } = seed;
    return {
      id: seed.id ?? randomUUID(),
      instanceId: instance.id,
      principal: identity(seed.principal),
      permission: { id: permission.id ?? null, displayName: permission.displayName ?? null, type: permission.type ?? null, description: permission.description ?? null },
      resource: { id: resource.id, displayName: resource.displayName ?? null, customData: resource.customData ?? null, scopeId: resource.scopeId ?? null, scopeDisplayName: resource.scopeDisplayName ?? null },
      decision,
      justification: seed.justification ?? null,
      recommendation: 'NoInfoAvailable',
      reviewedBy: reviewed ? identity(seed.reviewedBy!) : null,
      reviewedDateTime: reviewed ? instance.startDateTime : null,
      applyResult,
      applyDescription: seed.applyDescription ?? null,
      appliedBy: applied ? EMULATOR_APP : null,
      appliedDateTime: applied ? instance.endDateTime : null,
    };
  }

  private timestamp(): string {
    return this.clock.stamp();
  }
}

function identity(seed: IdentitySeed): Identity {
  return { id: seed.id, displayName: seed.displayName ?? null, userPrincipalName: seed.userPrincipalName ?? null };
}

/** One CSV row as a decision (the columns of graph-api-reviews.md §3; `principalAADId` is the older page's name). */
function rowDecision(row: CsvRow, resourceId: string): DecisionSeed[] {
  const principalId = row.principalid || row.principalaadid;
  if (!principalId) return [];
  const text = (name: string) => row[name] || null;
  return [
    {
      principal: seededPerson(principalId),
      permission: { id: text('permissionid'), displayName: text('permissionname'), type: text('permissiontype'), description: text('permissiondescription') },
      resource: { id: resourceId, customData: text('customdata'), scopeId: text('scopeid'), scopeDisplayName: text('scopedisplayname') },
    },
  ];
}

import { graphDateTime } from '../odata/graph-dates';
import { SEED_SESSION_KEY } from '../control/seed';

/** What a review is seeded with (the seed below, or the control API's `POST /_emulator/reviews`). */
export interface IdentitySeed {
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
}

export interface DecisionSeed {
  id?: string;
  principal: IdentitySeed;
  permission?: { id?: string | null; displayName?: string | null; type?: string | null; description?: string | null };
  resource: { id: string; displayName?: string | null; customData?: string | null; scopeId?: string | null; scopeDisplayName?: string | null };
  decision?: string;
  justification?: string | null;
  reviewedBy?: IdentitySeed;
  applyResult?: string;
  applyDescription?: string | null;
}

export interface InstanceSeed {
  id?: string;
  status?: string;
  startDateTime?: string;
  endDateTime?: string;
  decisions?: DecisionSeed[];
}

export interface DefinitionSeed {
  id?: string;
  displayName: string;
  /** A catalog review names its catalog; a review with `groupId` instead is listed on the classic route only. */
  catalogId?: string;
  catalogDisplayName?: string;
  groupId?: string;
  instances?: InstanceSeed[];
}

const { catalogId, resourceId } = SEED_SESSION_KEY;

/** The ids the emulator starts with, for tests and demos (docs/emulator.md lists them). */
export const REVIEW_SEED = Object.freeze({
  catalogId,
  resourceId,
  /** Another resource of the seeded catalog, with decisions in the same instances. */
  otherResourceId: 'b2000000-3b88-4c0a-8bb3-68ba8162beff',
  definitionId: 'ad000001-3b88-4c0a-8bb3-68ba8162beff',
  instances: Object.freeze({
    initializing: 'a1000001-3b88-4c0a-8bb3-68ba8162beff',
    inProgress: 'a1000002-3b88-4c0a-8bb3-68ba8162beff',
    applying: 'a1000003-3b88-4c0a-8bb3-68ba8162beff',
    applied: 'a1000004-3b88-4c0a-8bb3-68ba8162beff',
  }),
  /** Another catalog's review whose decisions carry the seeded resource's id. */
  otherCatalogId: 'c2000000-3b88-4c0a-8bb3-68ba8162beff',
  otherDefinitionId: 'ad000002-3b88-4c0a-8bb3-68ba8162beff',
  otherInstanceId: 'a2000001-3b88-4c0a-8bb3-68ba8162beff',
  /** A group's review: not a catalog's, listed on the classic route only. */
  groupDefinitionId: 'ad000003-3b88-4c0a-8bb3-68ba8162beff',
});

const USERS = {
  adele: { id: 'e1000001-3b88-4c0a-8bb3-68ba8162beff', displayName: 'Adele Vance', userPrincipalName: 'AdeleV@contoso.example' },
  alex: { id: 'e1000002-3b88-4c0a-8bb3-68ba8162beff', displayName: 'Alex Wilber', userPrincipalName: 'AlexW@contoso.example' },
  lynne: { id: 'e1000003-3b88-4c0a-8bb3-68ba8162beff', displayName: 'Lynne Robbins', userPrincipalName: 'LynneR@contoso.example' },
  diego: { id: 'e1000004-3b88-4c0a-8bb3-68ba8162beff', displayName: 'Diego Siciliani', userPrincipalName: 'DiegoS@contoso.example' },
  megan: { id: 'e1000005-3b88-4c0a-8bb3-68ba8162beff', displayName: 'Megan Bowen', userPrincipalName: 'MeganB@contoso.example' },
} as const;

/**
 * Who the seeded people are: those above, and those of examples/access.csv. Graph names a decision's principal
 * from the tenant's directory; the emulator names one made from a CSV row from this list (every world alike).
 */
const PEOPLE: ReadonlyMap<string, IdentitySeed> = new Map(
  [
    ...Object.values(USERS),
    { id: 'e2000001-3b88-4c0a-8bb3-68ba8162beff', displayName: 'Isaiah Langer', userPrincipalName: 'IsaiahL@contoso.example' },
    { id: 'e2000002-3b88-4c0a-8bb3-68ba8162beff', displayName: 'Johanna Lorenz', userPrincipalName: 'JohannaL@contoso.example' },
    { id: 'e2000003-3b88-4c0a-8bb3-68ba8162beff', displayName: 'Pradeep Gupta', userPrincipalName: 'PradeepG@contoso.example' },
  ].map((person) => [person.id, person]),
);

/** A principal with the name and UPN of the seeded person of that id; only the id for anyone else. */
export function seededPerson(principalId: string): IdentitySeed {
  return PEOPLE.get(principalId.toLowerCase()) ?? { id: principalId };
}

const FLOORS = { id: 'f1000001', displayName: 'All floors', type: 'BadgeAccess', description: 'Badge access to every floor of Building A' };
const LOBBY = { id: 'f1000002', displayName: 'Lobby', type: 'BadgeAccess', description: 'Badge access to the lobby of Building A' };
const SERVER_ROOM = { id: 'f1000003', displayName: 'Server room', type: 'BadgeAccess', description: 'Badge access to the server room of Building A' };
const BUILDING_A = { id: resourceId, displayName: 'Building A access', scopeId: 'building-a', scopeDisplayName: 'Building A', customData: '{"site":"HQ"}' };
const BUILDING_B = { id: REVIEW_SEED.otherResourceId, displayName: 'Building B access', scopeId: 'building-b', scopeDisplayName: 'Building B', customData: null };

const DAY = 24 * 60 * 60 * 1000;

function decision(id: string, principal: IdentitySeed, resource: DecisionSeed['resource'], permission: DecisionSeed['permission'], outcome: Partial<DecisionSeed> = {}): DecisionSeed {
  return { id, principal, resource, permission, ...outcome };
}

function denied(justification: string): Partial<DecisionSeed> {
  return { decision: 'Deny', justification, reviewedBy: USERS.megan };
}

/** The reviews the emulator starts with, dated around `now` (the emulator's start). */
export function reviewSeeds(now: number): DefinitionSeed[] {
  const at = (offset: number) => graphDateTime(now + offset);
  const ids = REVIEW_SEED.instances;
  return [
    {
      id: REVIEW_SEED.definitionId,
      displayName: 'Building A access review',
      catalogId,
      catalogDisplayName: 'Buildings',
      instances: [
        { id: ids.applied, status: 'Applied', startDateTime: at(-28 * DAY), endDateTime: at(-21 * DAY), decisions: [
          decision('de000041-3b88-4c0a-8bb3-68ba8162beff', USERS.diego, BUILDING_A, LOBBY, { ...denied('Moved to another site'), applyResult: 'AppliedSuccessfully', applyDescription: 'Badge disabled' }),
          decision('de000042-3b88-4c0a-8bb3-68ba8162beff', USERS.alex, BUILDING_A, LOBBY, { decision: 'Approve', reviewedBy: USERS.megan, applyResult: 'AppliedSuccessfully' }),
        ] },
        { id: ids.applying, status: 'Applying', startDateTime: at(-14 * DAY), endDateTime: at(-7 * DAY), decisions: [
          decision('de000031-3b88-4c0a-8bb3-68ba8162beff', USERS.adele, BUILDING_A, FLOORS, denied('Left the project in October')),
          decision('de000032-3b88-4c0a-8bb3-68ba8162beff', USERS.alex, BUILDING_A, LOBBY, { decision: 'Approve', justification: 'Works on site', reviewedBy: USERS.megan }),
          decision('de000033-3b88-4c0a-8bb3-68ba8162beff', USERS.lynne, BUILDING_A, SERVER_ROOM),
          decision('de000034-3b88-4c0a-8bb3-68ba8162beff', USERS.diego, BUILDING_A, SERVER_ROOM, denied('No longer on call')),
          decision('de000035-3b88-4c0a-8bb3-68ba8162beff', USERS.adele, BUILDING_B, FLOORS, denied('Left the project in October')),
          decision('de000036-3b88-4c0a-8bb3-68ba8162beff', USERS.alex, BUILDING_B, LOBBY, { decision: 'Approve', reviewedBy: USERS.megan }),
        ] },
        { id: ids.inProgress, status: 'InProgress', startDateTime: at(-3 * DAY), endDateTime: at(4 * DAY), decisions: [
          decision('de000021-3b88-4c0a-8bb3-68ba8162beff', USERS.adele, BUILDING_A, LOBBY),
          decision('de000022-3b88-4c0a-8bb3-68ba8162beff', USERS.lynne, BUILDING_A, FLOORS),
        ] },
        // Started 20 minutes ago: 1 h 40 of its two-hour upload window are left, and no session exists for it.
        { id: ids.initializing, status: 'Initializing', startDateTime: at(-20 * 60 * 1000), endDateTime: at(7 * DAY) },
      ],
    },
    {
      id: REVIEW_SEED.otherDefinitionId,
      displayName: 'Finance systems access review',
      catalogId: REVIEW_SEED.otherCatalogId,
      catalogDisplayName: 'Finance',
      instances: [
        { id: REVIEW_SEED.otherInstanceId, status: 'Applying', startDateTime: at(-10 * DAY), endDateTime: at(-3 * DAY), decisions: [
          decision('de000051-3b88-4c0a-8bb3-68ba8162beff', USERS.lynne, BUILDING_A, FLOORS, denied('Not in finance')),
          decision('de000052-3b88-4c0a-8bb3-68ba8162beff', USERS.alex, BUILDING_A, LOBBY, { decision: 'Approve', reviewedBy: USERS.megan }),
        ] },
      ],
    },
    {
      id: REVIEW_SEED.groupDefinitionId,
      displayName: 'Sales team membership review',
      groupId: 'a9000001-3b88-4c0a-8bb3-68ba8162beff',
      instances: [{ id: 'a3000001-3b88-4c0a-8bb3-68ba8162beff', status: 'InProgress', startDateTime: at(-2 * DAY), endDateTime: at(5 * DAY) }],
    },
  ];
}

import { EMULATOR_DEFAULT_TENANT } from '../../config/emulator';
import { isGuid } from '../../graph/odata/ids';
import { REVIEW_SEED, reviewSeeds } from '../access-reviews/review-seed';
import { ReviewStore } from '../access-reviews/review-store';
import { Directory } from '../catalog-roles/directory';
import { SessionStore } from '../upload-sessions/session-store';
import { HttpError } from './http-error';

/** One tenant's Graph: its sessions, its reviews, and who holds which catalog role. */
export interface World {
  tenantId: string;
  store: SessionStore;
  reviews: ReviewStore;
  directory: Directory;
}

/** More tenants than any test or demo uses: a bound, so tokens naming new tenants cannot grow the emulator without end. */
const MAX_WORLDS = 100;

/**
 * One world per tenant (contract, "Many tenants"), made on first use and seeded alike: the documented
 * catalog and resource (and session, reviews and users) exist in each, so the same ids in two tenants name
 * two different things, as in Graph. The default tenant's world answers tokens that name none.
 */
export class Worlds {
  private readonly worlds = new Map<string, World>();
  /** Entries per page of role assignments (the control API can lower it to make Graph page). */
  rolePageSize = 100;

  constructor(private readonly seed: boolean) {}

  get default(): World {
    return this.of(EMULATOR_DEFAULT_TENANT);
  }

  /** The tenant's world; the default tenant's for an id that is not a GUID (no tenant named). */
  of(tenantId: string | undefined): World {
    const id = isGuid(tenantId) ? tenantId.toLowerCase() : EMULATOR_DEFAULT_TENANT;
    let world = this.worlds.get(id);
    if (world === undefined) {
      if (this.worlds.size >= MAX_WORLDS) throw new HttpError(400, 'BadRequest', `The emulator keeps at most ${MAX_WORLDS} tenants.`);
      world = newWorld(id, this.seed);
      this.worlds.set(id, world);
    }
    return world;
  }

  tenants(): string[] {
    return [...this.worlds.keys()];
  }
}

function newWorld(tenantId: string, seed: boolean): World {
  const store = new SessionStore();
  const reviews = new ReviewStore(store);
  const directory = new Directory();
  if (seed) {
    store.addSeed();
    store.resources.add(REVIEW_SEED.catalogId, REVIEW_SEED.otherResourceId);
    for (const review of reviewSeeds(Date.now())) reviews.addDefinition(review);
    directory.seed();
  }
  return { tenantId, store, reviews, directory };
}

/**
 * The caller named a review that is not its catalog's, or a decision that is not its resource's: refused
 * before any decision is read or any result written. The gateway's own identity may read every review
 * in the tenant, so this check, not Graph, keeps a catalog owner to the catalog's own reviews.
 */
export class ReviewScopeError extends Error {
  constructor(readonly outside: 'definition' | 'instance' | 'decision') {
    super(`the access review ${outside} is outside the named ${outside === 'decision' ? 'resource' : 'catalog'}`);
    this.name = 'ReviewScopeError';
  }
}

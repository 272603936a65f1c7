import { Field, Int, ObjectType, type ClassType } from 'type-graphql';

@ObjectType({ description: 'Relay-style page information.', simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; opaque.' })
  endCursor!: string | null;
}

export interface Edge<TNode> {
  cursor: string;
  node: TNode;
}

/** A page as the resolvers answer it. `totalCount` reaches callers only where the connection declares it. */
export interface RelayConnection<TNode> {
  edges: readonly Edge<TNode>[];
  pageInfo: PageInfo;
  totalCount: number | null;
}

export interface ConnectionOptions {
  description: string;
  /** What the nodes are, in the edge cursor's description: `sessions` says "the sessions after this one". */
  items: string;
  /** The `totalCount` field's description. Without it the connection has no such field: Graph gives no count. */
  totalCount?: string;
}

/**
 * The Relay connection of `Node`: the object types `${name}Connection` and `${name}Edge`. Made per node
 * type, as in type-graphql's generic-types example: a decorator cannot read a type parameter.
 */
export function Connection(Node: ClassType, name: string, { description, items, totalCount }: ConnectionOptions): ClassType {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType {
    @Field({ description: `Pass as \`after\` for the ${items} after this one; opaque.` })
    cursor!: string;

    @Field(() => Node)
    node!: object;
  }

  // Not in the schema itself (type-graphql emits only the types a resolver reaches); its fields keep its own
  // simpleResolvers, not the subclass's.
  @ObjectType({ simpleResolvers: true })
  abstract class Page {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }

  if (totalCount === undefined) {
    @ObjectType(`${name}Connection`, { description, simpleResolvers: true })
    class Uncounted extends Page {}
    return Uncounted;
  }

  @ObjectType(`${name}Connection`, { description, simpleResolvers: true })
  class Counted extends Page {
    @Field(() => Int, { nullable: true, description: totalCount })
    totalCount!: number | null;
  }
  return Counted;
}

/** What a Graph client answers for a page of sessions, decisions or instances. */
export interface GraphPage<TNode> {
  /** Each node with the cursor that starts the page after it. */
  edges: readonly Edge<TNode>[];
  endCursor?: string;
  hasNextPage: boolean;
  /** Graph's `@odata.count`, when it sent one. */
  totalCount?: number;
}

/** The one mapping of a Graph page to a Relay connection; `serve` adapts each node for its fields' resolvers. */
export function toConnection<TNode>(page: GraphPage<TNode>): RelayConnection<TNode>;
export function toConnection<TNode, TServed>(page: GraphPage<TNode>, serve: (node: TNode) => TServed): RelayConnection<TServed>;
export function toConnection<TNode, TServed>(page: GraphPage<TNode>, serve?: (node: TNode) => TServed): RelayConnection<TNode | TServed> {
  return {
    edges: serve ? page.edges.map(({ cursor, node }) => ({ cursor, node: serve(node) })) : page.edges,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor ?? null },
    totalCount: page.totalCount ?? null,
  };
}

import type { AccessReviewInstance } from './review';
import type { InstancePosition } from './review-cursor';

/** One read of a definition's instances, newest first. */
export interface InstanceList {
  /** The definition's id as a key (ids.ts, idKey): where the cursor keeps its offset. */
  definitionId: string;
  items: AccessReviewInstance[];
  /** Graph has instances of this definition beyond `items`. */
  more: boolean;
}

export interface MergedPage {
  /** Each instance with the position just after it. */
  items: { node: AccessReviewInstance; after: InstancePosition }[];
  end: InstancePosition;
  hasNextPage: boolean;
}

/** The k-way merge: stops where a definition whose read ran out may still hold a newer instance than the next one. */
export function mergeNewestFirst(lists: InstanceList[], start: InstancePosition, first: number): MergedPage {
  const taken = lists.map(() => 0);
  const position = new Map(start);
  const items: MergedPage['items'] = [];
  while (items.length < first && !lists.some((list, index) => list.more && taken[index] === list.items.length)) {
    let pick = -1;
    lists.forEach((list, index) => {
      const head = list.items[taken[index]!];
      if (head && (pick < 0 || newestFirst(head, lists[pick]!.items[taken[pick]!]!) < 0)) pick = index;
    });
    if (pick < 0) break;
    const list = lists[pick]!;
    const node = list.items[taken[pick]!++]!;
    position.set(list.definitionId, (position.get(list.definitionId) ?? 0) + 1);
    items.push({ node, after: new Map(position) });
  }
  const hasNextPage = lists.some((list, index) => list.more || taken[index]! < list.items.length);
  return { items, end: position, hasNextPage };
}

export function newestFirst(a: AccessReviewInstance, b: AccessReviewInstance): number {
  const time = (instance: AccessReviewInstance) => instance.startDateTime?.getTime() ?? -Infinity;
  return time(b) - time(a) || a.id.localeCompare(b.id);
}

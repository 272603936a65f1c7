import { Field, ID, InputType } from 'type-graphql';
import type { SessionKey } from '../graph/session-key';

/**
 * The three ids that name a session, every one a GUID: the base of each input that acts on one session.
 * type-graphql needs the decorator to pass the fields on to subclasses.
 */
@InputType()
export class SessionKeyInput implements SessionKey {
  @Field(() => ID)
  catalogId!: string;

  @Field(() => ID)
  resourceId!: string;

  @Field(() => ID)
  uploadSessionId!: string;
}

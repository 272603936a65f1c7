import { Field, ID, InputType } from 'type-graphql';

/**
 * The three ids that name a session, as sent: the base of each input that acts on one session. Its
 * resolver parses them into a SessionKey (every id a GUID). type-graphql needs the decorator to pass
 * the fields on to subclasses.
 */
@InputType()
export class SessionKeyInput {
  @Field(() => ID)
  catalogId!: string;

  @Field(() => ID)
  resourceId!: string;

  @Field(() => ID)
  uploadSessionId!: string;
}

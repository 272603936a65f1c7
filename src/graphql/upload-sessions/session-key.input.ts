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

/**
 * The four ids that name a review instance for one resource, as sent: the base of the session create and
 * of every decision input. Their resolvers parse them into GUIDs.
 */
@InputType()
export class ReviewKeyInput {
  @Field(() => ID)
  catalogId!: string;

  @Field(() => ID)
  resourceId!: string;

  @Field(() => ID)
  reviewDefinitionId!: string;

  @Field(() => ID)
  reviewInstanceId!: string;
}

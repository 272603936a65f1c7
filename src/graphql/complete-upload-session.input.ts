import { Field, ID, InputType } from 'type-graphql';
import type { SessionKey } from '../graph/session-key';

@InputType({ description: 'Which session to complete; every id is a GUID.' })
export class CompleteUploadSessionInput implements SessionKey {
  @Field(() => ID)
  catalogId!: string;

  @Field(() => ID)
  resourceId!: string;

  @Field(() => ID)
  uploadSessionId!: string;
}

import { Field, InputType } from 'type-graphql';
import { UploadSessionStatus } from '../../graph/upload-sessions/upload-session';
import { ReviewKeyInput, SessionKeyInput } from './session-key.input';

@InputType({ description: 'Which sessions to list; both conditions must hold.' })
export class UploadSessionFilter {
  @Field(() => UploadSessionStatus, { nullable: true })
  status?: UploadSessionStatus;

  @Field(() => String, { nullable: true, description: 'For an access review session, the review instance id.' })
  referenceId?: string;
}

@InputType({ description: 'An access review upload session for a resource; every id is a GUID.' })
export class CreateUploadSessionInput extends ReviewKeyInput {}

@InputType({ description: 'Which session to delete; every id is a GUID.' })
export class DeleteUploadSessionInput extends SessionKeyInput {}

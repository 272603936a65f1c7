import { InputType } from 'type-graphql';
import { SessionKeyInput } from './session-key.input';

@InputType({ description: 'Which session to complete; every id is a GUID.' })
export class CompleteUploadSessionInput extends SessionKeyInput {}

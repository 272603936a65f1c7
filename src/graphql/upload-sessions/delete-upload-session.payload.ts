import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The session is gone (whether this call or an earlier one removed it).', simpleResolvers: true })
export class DeleteUploadSessionPayload {
  @Field(() => ID)
  deletedUploadSessionId!: string;
}

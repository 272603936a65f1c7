import { Field, Int, ObjectType } from 'type-graphql';
import { CustomDataProvidedResourceUploadSession } from './upload-session.type';

@ObjectType({ description: 'Relay-style page information.', simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; opaque.' })
  endCursor!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class UploadSessionEdge {
  @Field({ description: 'Pass as `after` for the sessions after this one; opaque.' })
  cursor!: string;

  @Field(() => CustomDataProvidedResourceUploadSession)
  node!: CustomDataProvidedResourceUploadSession;
}

@ObjectType({ description: "A page of a resource's upload sessions, newest first.", simpleResolvers: true })
export class UploadSessionConnection {
  @Field(() => [UploadSessionEdge])
  edges!: UploadSessionEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { nullable: true, description: "How many sessions match the filter (Graph's $count); null when Graph does not say." })
  totalCount!: number | null;
}

import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLSafeInt } from 'graphql-scalars';
import {
  UploadSessionContextKind,
  UploadSessionStatus,
  type UploadedFile,
  type UploadSession,
  type UploadSessionReviewContext as ReviewContext,
} from '../../graph/upload-sessions/upload-session';
import { Connection } from '../schema/connection.type';

registerEnumType(UploadSessionStatus, {
  name: 'UploadSessionStatus',
  description: "The session's status; values Graph adds later arrive as UNKNOWN_FUTURE_VALUE.",
});

registerEnumType(UploadSessionContextKind, {
  name: 'UploadSessionContextKind',
  description: "What the session's data is for (Graph's `data` payload type); later kinds arrive as UNKNOWN_FUTURE_VALUE.",
});

@ObjectType({ description: "Graph's `data`: the review the session's access data is for.", simpleResolvers: true })
export class UploadSessionReviewContext implements ReviewContext {
  @Field(() => UploadSessionContextKind)
  kind!: UploadSessionContextKind;

  @Field(() => ID, { nullable: true })
  reviewDefinitionId!: string | null;

  @Field(() => ID, { nullable: true })
  reviewInstanceId!: string | null;
}

// simpleResolvers: the fields are plain properties of the mapped session, read directly; type-graphql's
// default wraps each one in a resolver (an object and a call per field per request) for middlewares,
// which this schema has none of. `files` keeps its field resolver (upload-session.resolver.ts).
@ObjectType({ description: 'Counts over the files uploaded into a session.', simpleResolvers: true })
export class CustomDataProvidedResourceUploadStats {
  @Field(() => Int)
  filesUploaded!: number;

  @Field(() => GraphQLSafeInt, { description: "Graph's Int64: exact up to 2^53-1." })
  totalBytesUploaded!: number;
}

@ObjectType({ description: 'One CSV file uploaded into a session.', simpleResolvers: true })
export class CustomDataProvidedResourceFile implements UploadedFile {
  @Field(() => ID, { nullable: true, description: 'Absent in older Graph answers.' })
  id!: string | null;

  @Field()
  name!: string;

  @Field(() => GraphQLSafeInt, { description: 'Bytes.' })
  size!: number;

  @Field(() => Date, { nullable: true })
  uploadedDateTime!: Date | null;
}

// A federation entity: other subgraphs hold its key and the supergraph asks us for the rest. The directive
// is printed only in the subgraph SDL (subgraph.graphql); schema.graphql's printer leaves it out.
@Directive('@key(fields: "catalogId resourceId id")')
@ObjectType({ description: 'An upload session of a custom data provided resource (Entra ID Governance).', simpleResolvers: true })
export class CustomDataProvidedResourceUploadSession implements Omit<UploadSession, 'files'> {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  catalogId!: string;

  @Field(() => ID)
  resourceId!: string;

  @Field(() => UploadSessionStatus)
  status!: UploadSessionStatus;

  @Field()
  isUploadDone!: boolean;

  @Field(() => String, { nullable: true, description: 'For example the access review instance id.' })
  referenceId!: string | null;

  @Field(() => CustomDataProvidedResourceUploadStats)
  stats!: CustomDataProvidedResourceUploadStats;

  @Field(() => Date, { nullable: true })
  createdDateTime!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Sent by some Graph versions only.' })
  expirationDateTime!: Date | null;

  @Field(() => UploadSessionReviewContext, { nullable: true, description: "Graph's `data`; null when Graph sends none." })
  reviewContext!: UploadSessionReviewContext | null;
}

export const UploadSessionConnection = Connection(CustomDataProvidedResourceUploadSession, 'UploadSession', {
  description: "A page of a resource's upload sessions, newest first.",
  items: 'sessions',
  totalCount: "How many sessions match the filter (Graph's $count); null when Graph does not say.",
});

import { pipeline } from 'node:stream/promises';
import { Arg, Ctx, Extensions, Field, InputType, Mutation, Resolver } from 'type-graphql';
import { parseFileName } from '../../graph/upload-sessions/file-name';
import { parseSessionKey } from '../../graph/odata/ids';
import type { UploadSession } from '../../graph/upload-sessions/upload-session';
import { csvCheck } from '../../upload/csv-check';
import type { Upload } from '../../upload/upload';
import type { GatewayContext } from '../edge/context';
import { GRAPH_CALLS } from '../cost/graph-call-limit';
import { GRAPH_CALL_BUDGETS } from '../cost/graph-call-budgets';
import { SessionKeyInput } from './session-key.input';
import { UploadScalar } from '../schema/upload.scalar';
import { CustomDataProvidedResourceUploadSession } from './upload-session.type';

@InputType({ description: 'Which session the file goes into (every id a GUID), and the file itself.' })
export class UploadSessionFileInput extends SessionKeyInput {
  @Field(() => UploadScalar, { description: 'The CSV file: the one file part of a GraphQL multipart request.' })
  file!: Upload;
}

@Resolver()
export class UploadSessionFileResolver {
  @Mutation(() => CustomDataProvidedResourceUploadSession, {
    description: 'Graph: POST …/uploadSessions/{id}/uploadFile, streamed. GraphQL multipart request spec; `file: Upload!`.',
  })
  // One page of the session's files before (to tell a landed file from a lost one), the upload, and after an
  // ambiguous failure the session with its files: three calls at most (graph/upload-sessions/file-upload.ts).
  @Extensions({ [GRAPH_CALLS]: GRAPH_CALL_BUDGETS['Mutation.uploadSessionFile'] })
  async uploadSessionFile(@Arg('input') input: UploadSessionFileInput, @Ctx() { graph, call, upload }: GatewayContext): Promise<UploadSession> {
    const key = parseSessionKey(input);
    const file = await input.file.file;
    let fileName;
    try {
      fileName = parseFileName(file.fileName);
    } catch (error) {
      file.stream.destroy();
      throw error;
    }
    const { stream } = file;
    // The CSV is checked as it streams to Graph: a bad row fails the body before its end, so nothing lands.
    // (UPLOAD_MAX_BYTES is the multipart reader's: it counts the same bytes, before they get here.)
    const checked = csvCheck({ columns: upload.csvColumns === 'off' ? undefined : upload.csvColumns });
    pipeline(stream, checked).catch(() => {}); // its failure reaches Graph's request through `checked`
    return graph.sessions.uploadFile(key, { fileName, body: checked }, call);
  }
}

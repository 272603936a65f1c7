import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { AUTHORIZATION, KEY } from './seed';
import { csvRows, csvSize, multipartBody, UPLOAD_MUTATION } from './upload-body';

export const FILE_NAME = 'bench-access.csv';

export interface UploadRun {
  /** The CSV's bytes (the file part's content, not the multipart envelope). */
  bytes: number;
  seconds: number;
  mbPerS: number;
  /** This process's CPU (the client: generating and sending the body) over the run, in % of one CPU. */
  clientCpuPercent: number;
}

/** 1 MB is 2^20 bytes throughout the upload bench. */
export const MB = 1024 * 1024;

/** The CSV straight to the upstream, as Graph's `uploadFile` takes it: one `file` part. */
export function uploadDirect(uploadFileUrl: string, mb: number): Promise<UploadRun> {
  return timed(mb, async (content, expectedBytes) => {
    const boundary = `bench-${randomBytes(12).toString('hex')}`;
    const answer = await post(uploadFileUrl, boundary, multipartBody(boundary, [], { name: 'file', fileName: FILE_NAME, content }), {});
    checkSession(answer, expectedBytes, 'the upstream');
  });
}

/** The same CSV through the gateway: a GraphQL multipart request for `uploadSessionFile`. */
export function uploadThroughGateway(graphqlUrl: string, mb: number): Promise<UploadRun> {
  return timed(mb, async (content, expectedBytes) => {
    const boundary = `bench-${randomBytes(12).toString('hex')}`;
    const fields = [
      { name: 'operations', value: JSON.stringify({ query: UPLOAD_MUTATION, variables: { input: { ...KEY, file: null } } }) },
      { name: 'map', value: JSON.stringify({ 0: ['variables.input.file'] }) },
    ];
    const answer = (await post(graphqlUrl, boundary, multipartBody(boundary, fields, { name: '0', fileName: FILE_NAME, content }), {
      'apollo-require-preflight': 'true',
    })) as { data?: { uploadSessionFile?: unknown }; errors?: unknown };
    if (answer.errors !== undefined) throw new Error(`the gateway refused the upload: ${JSON.stringify(answer.errors).slice(0, 400)}`);
    checkSession(answer.data?.uploadSessionFile, expectedBytes, 'the gateway');
  });
}

async function timed(mb: number, send: (content: Iterable<Buffer>, expectedBytes: number) => Promise<void>): Promise<UploadRun> {
  const { bytes } = csvSize(mb * MB);
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await send(csvRows(mb * MB), bytes);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return { bytes, seconds, mbPerS: bytes / MB / seconds, clientCpuPercent: ((cpu.user + cpu.system) / 1e6 / seconds) * 100 };
}

async function post(url: string, boundary: string, body: Iterable<Buffer>, headers: Record<string, string>): Promise<unknown> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: AUTHORIZATION, ...headers },
    // Pulled by undici as the socket drains: the CSV is made only as fast as it is sent.
    body: Readable.from(body),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}: ${text.slice(0, 400)}`);
  return JSON.parse(text) as unknown;
}

/** The answer is the session with this one file: its stats and its file's size are the bytes sent. */
function checkSession(value: unknown, bytes: number, who: string): void {
  const session = value as { stats?: { filesUploaded?: unknown; totalBytesUploaded?: unknown }; files?: { name?: unknown; size?: unknown }[] } | undefined;
  const file = session?.files?.[0];
  const ok = session?.stats?.filesUploaded === 1 && session.stats.totalBytesUploaded === bytes && file?.name === FILE_NAME && file.size === bytes;
  if (!ok) throw new Error(`${who} did not answer with the uploaded file's stats (${bytes} bytes): ${JSON.stringify(value).slice(0, 400)}`);
}

import { integer, list, type Env } from './read';

export interface UploadConfig {
  /** The largest file `uploadSessionFile` accepts, in bytes. */
  readonly maxBytes: number;
  /**
   * A file's header row: `documented` (the default) holds the columns of a set Microsoft documents; a list
   * (UPLOAD_CSV_COLUMNS) is exactly these names in this order; `off` (UPLOAD_CSV_COLUMNS set empty) is not checked.
   */
  readonly csvColumns: 'documented' | 'off' | readonly string[];
  /** An upload request's deadline (REQUEST_DEADLINE_MS bounds every other request). */
  readonly deadlineMs: number;
}

/** 2 GiB: access data for a large application runs to hundreds of MB; Graph documents no limit. */
export const DEFAULT_UPLOAD_MAX_BYTES = 2 * 1024 ** 3;

export function readUploadConfig(env: Env): UploadConfig {
  const columns = list(env, 'UPLOAD_CSV_COLUMNS');
  return {
    maxBytes: integer(env, 'UPLOAD_MAX_BYTES', DEFAULT_UPLOAD_MAX_BYTES, 1, Number.MAX_SAFE_INTEGER),
    csvColumns: columns.length > 0 ? columns : env.UPLOAD_CSV_COLUMNS === undefined ? 'documented' : 'off',
    // An hour: 2 GiB at the ~1 MB/s of a slow uplink still fits; a stalled upload is cut by Graph's attempt timeout.
    deadlineMs: integer(env, 'UPLOAD_DEADLINE_MS', 60 * 60_000, 1, 24 * 60 * 60_000),
  };
}

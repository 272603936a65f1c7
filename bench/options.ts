import type { BenchSettings } from './measure';

export type Mode = 'compare' | 'check' | 'soak' | 'profile' | 'upload' | 'shared-state' | 'documents';

export interface Options extends BenchSettings {
  mode: Mode;
  /** The soak's measured requests. */
  soakRequests: number;
  /** --upload: the large file whose RSS is sampled, in MB (2^20 bytes). */
  uploadMb: number;
  out: string | undefined;
  /** Another build's dist/main.js, measured as the `previous` variant beside the gateway. */
  compareDist: string | undefined;
}

export const USAGE = `npm run bench -- [--check | --soak | --profile | --upload [--upload-mb=N] | --shared-state | --documents] [--duration=S] [--rounds=N] [--connections=N] [--warm-up=S] [--paced=S] [--requests=N] [--out=FILE] [--compare-dist=PATH]
  (no mode)   every variant, --rounds alternating rounds of --duration s at peak (after --warm-up s), then the same
              number of half-load rounds of --paced s per variant; results in bench-results/latest.json
  --check     every variant starts and answers the seed mutation; a ~1 s closed and a ~1 s paced run prove the generator
  --soak      about --requests (100,000) through the gateway after a 10 s warm-up (wrk runs for a time: the warm-up's rate sizes it); RSS sampled each second
  --profile   the gateway under --duration s of load with --cpu-prof; a self-time summary in bench-results/
  --upload    a CSV straight to an upstream and through the gateway (MB/s), then the gateway's RSS while --upload-mb
              (1024, under the gateway's 2 GiB UPLOAD_MAX_BYTES) MB stream; results in bench-results/upload.json
  --shared-state  the gateway alone, with REDIS_URL (a local redis-server, nothing throttled), and with REDIS_URL and
              RATE_LIMIT_PER_CALLER, in --rounds alternating rounds: the CPU per request each adds
  --documents the CPU one costly document takes to check, parse, validate and count, within the bounds and
              beyond them (in-process; the figures behind docs/errors.md's document bounds)
  --compare-dist=PATH  also measure another build of the gateway (its dist/main.js, e.g. an older commit's checkout)
              as the variant \`previous\`, with the same node flags and environment, in the same rounds`;

export function parseOptions(argv: string[]): Options {
  const known = new Set(['check', 'soak', 'profile', 'duration', 'rounds', 'connections', 'warm-up', 'paced', 'requests', 'out', 'upload', 'upload-mb', 'compare-dist', 'shared-state', 'documents']);
  const values = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !known.has(match[1])) throw new Error(`unknown argument ${arg}\n${USAGE}`);
    values.set(match[1], match[2] ?? 'true');
  }
  const modes = (['check', 'soak', 'profile', 'upload', 'shared-state', 'documents'] as const).filter((mode) => values.has(mode));
  if (modes.length > 1) throw new Error(`choose one of --check, --soak, --profile, --upload, --shared-state, --documents\n${USAGE}`);
  const number = (name: string, fallback: number, min: number) => {
    const value = Number(values.get(name) ?? fallback);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number ≥ ${min}, got ${values.get(name)}`);
    return value;
  };
  return {
    mode: modes[0] ?? 'compare',
    durationS: number('duration', 8, 1),
    rounds: number('rounds', 3, 1),
    connections: number('connections', 10, 1),
    warmUpS: number('warm-up', 2, 1),
    pacedS: number('paced', 5, 1),
    soakRequests: number('requests', 100_000, 1),
    uploadMb: number('upload-mb', 1024, 1),
    out: values.get('out'),
    compareDist: values.get('compare-dist'),
  };
}

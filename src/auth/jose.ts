export type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });

let loading: Promise<Jose> | undefined;

/**
 * jose ships ES modules only. A dynamic import loads it from this CommonJS build on every Node the
 * gateway supports (require of ES modules works without a flag only from Node 20.19).
 */
export function loadJose(): Promise<Jose> {
  return (loading ??= import('jose'));
}

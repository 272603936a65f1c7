/** Thrown for a Graph answer that does not have the expected shape; `read` (transport/graph-answer.ts) turns it into an `unreadable` failure. */
export class UnreadableAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableAnswerError';
  }
}

export function record(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UnreadableAnswerError(`${name} is not an object`);
  }
  return value as Record<string, unknown>;
}

export function requiredString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new UnreadableAnswerError(`${name} is missing`);
  return value;
}

export function optionalString(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new UnreadableAnswerError(`${name} is not a string`);
  return value;
}

export function requiredBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new UnreadableAnswerError(`${name} is missing`);
  return value;
}

/** Graph's Int64 arrives as a number, or as a string under `IEEE754Compatible=true`. */
export function int64(value: unknown, name: string): number {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
    throw new UnreadableAnswerError(`${name} is not a whole number up to 2^53-1`);
  }
  return number;
}

export function dateTime(value: unknown, name: string): Date | null {
  if (value === undefined || value === null) return null;
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new UnreadableAnswerError(`${name} is not a date-time`);
  return date;
}

/** Graph's collection envelope: `value`, and `@odata.nextLink` / `@odata.count` when Graph sends them. */
export function collection(json: unknown): { value: unknown[]; nextLink?: string; count?: number } {
  const body = json as Record<string, unknown> | null;
  if (typeof body !== 'object' || body === null || !Array.isArray(body.value)) throw new UnreadableAnswerError('the answer has no value list');
  const nextLink = body['@odata.nextLink'];
  const rawCount = body['@odata.count'];
  const count = typeof rawCount === 'string' && /^\d+$/.test(rawCount) ? Number(rawCount) : rawCount;
  return {
    value: body.value,
    nextLink: typeof nextLink === 'string' ? nextLink : undefined,
    count: Number.isSafeInteger(count) ? (count as number) : undefined,
  };
}

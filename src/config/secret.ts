import { inspect } from 'node:util';

/**
 * A credential read from the environment. It prints as `[redacted]` however it is printed (JSON, pino,
 * console, util.inspect), so logging a config object or an error that holds one cannot leak it; the
 * value comes out only through `reveal()`, at the one place that hands it to @azure/identity.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return '[redacted]';
  }
}

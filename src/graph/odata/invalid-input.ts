/**
 * What is wrong with a value Graph would not take, refused before any call: the facts, which the GraphQL
 * layer words for the caller (graphql/edge/input-messages.ts).
 */
export type InputProblem =
  | { kind: 'not-a-guid'; arguments: readonly string[] }
  | { kind: 'page-size'; argument: string; max: number }
  | { kind: 'unknown-value'; argument: string }
  | { kind: 'session-status'; argument: string }
  | { kind: 'reference-id'; argument: string; max: number }
  | { kind: 'cursor'; why: 'made-elsewhere' | 'not-a-cursor' | 'outside-its-list' }
  | { kind: 'file-name'; why: FileNameProblem; max?: number };

export type FileNameProblem = 'empty' | 'too-long' | 'control-character' | 'reserved-character' | 'dot-name' | 'not-csv';

export class InvalidInputError extends Error {
  constructor(readonly problem: InputProblem) {
    super(`invalid input: ${problem.kind}${'why' in problem ? ` (${problem.why})` : ''}`);
    this.name = 'InvalidInputError';
  }

  /** The arguments to blame: `extensions.invalidArguments`. */
  get invalidArguments(): readonly string[] | undefined {
    const { problem } = this;
    if (problem.kind === 'not-a-guid') return problem.arguments;
    if (problem.kind === 'cursor') return ['after'];
    if ('argument' in problem) return [problem.argument.split('.')[0]!];
    return undefined;
  }
}

import { median, type PacedFigures, type PacedRound, type PeakFigures, type PeakRound, type PerVariant } from './measure';
import { PREVIOUS, TITLES, VARIANTS, type VariantName } from './servers';

/** gateway ÷ another variant: in req/s, and in requests per CPU-second (the other's CPU µs/request ÷ the gateway's). */
export interface Ratio {
  rate: number;
  cpu: number;
}

export interface Ratios {
  overFloor: Ratio;
  overApolloStandalone: Ratio;
  overApolloFetch: Ratio;
  /** gateway ÷ the --compare-dist build, with its rounds. */
  overPrevious?: Ratio & { rounds: Ratio[] };
  perRound: { overFloor: Ratio; overApolloStandalone: Ratio }[];
}

export interface Summary {
  /** Medians of the rounds; peakRssMb is the highest of the rounds. */
  peak: PerVariant<PeakFigures>;
  /** Ratios, or why they are not reported. */
  ratios: Ratios | { refused: string };
  halfLoad: {
    rate: number;
    medians: PerVariant<PacedFigures & { overCapacity: boolean }>;
    /** gateway p99 − floor p99 of each round, and their median. */
    p99OverheadRoundsMs: number[];
    p99OverheadMs: number;
  };
}

const ratio = (gateway: PeakFigures, other: PeakFigures): Ratio => ({ rate: gateway.rate / other.rate, cpu: other.cpuUsPerRequest / gateway.cpuUsPerRequest });

export function summarize(peakRounds: PeakRound[], pacedRounds: PacedRound[], rate: number): Summary {
  const names = measuredVariants(peakRounds[0]!);
  const peak = mapVariants(names, (name) => {
    const of = (field: keyof PeakFigures) => median(peakRounds.map((round) => round[name]![field]));
    return { rate: of('rate'), cpuUsPerRequest: of('cpuUsPerRequest'), generatorCpuPercent: of('generatorCpuPercent'), p50Ms: of('p50Ms'), p99Ms: of('p99Ms'), peakRssMb: Math.max(...peakRounds.map((round) => round[name]!.peakRssMb)) };
  });
  const medians = mapVariants(names, (name) => {
    const of = (field: keyof PacedFigures) => median(pacedRounds.map((round) => round[name]![field]));
    return { p50Ms: of('p50Ms'), p99Ms: of('p99Ms'), late: of('late'), requests: of('requests'), overCapacity: peak[name]!.rate < rate * 1.25 };
  });
  const p99OverheadRoundsMs = pacedRounds.map((round) => round.gateway.p99Ms - round.floor.p99Ms);
  return { peak, ratios: ratiosOf(peak, peakRounds), halfLoad: { rate, medians, p99OverheadRoundsMs, p99OverheadMs: median(p99OverheadRoundsMs) } };
}

/** A generator that cannot drive a bare upstream at twice the floor's rate may be what capped the floor: no ratios then. */
function ratiosOf(peak: PerVariant<PeakFigures>, rounds: PeakRound[]): Ratios | { refused: string } {
  const ceiling = peak['upstream-alone'].rate;
  if (ceiling < 2 * peak.floor.rate) {
    return {
      refused:
        `upstream-alone reached ${Math.round(ceiling)} req/s, under 2× the floor's ${Math.round(peak.floor.rate)}: ` +
        'the load generator and upstream may be what limited the variants, so their ratios would measure the bench',
    };
  }
  return {
    overFloor: ratio(peak.gateway, peak.floor),
    overApolloStandalone: ratio(peak.gateway, peak['apollo-standalone']),
    overApolloFetch: ratio(peak.gateway, peak['apollo-fetch']),
    ...(peak.previous ? { overPrevious: { ...ratio(peak.gateway, peak.previous), rounds: rounds.map((round) => ratio(round.gateway, round.previous!)) } } : {}),
    perRound: rounds.map((round) => ({ overFloor: ratio(round.gateway, round.floor), overApolloStandalone: ratio(round.gateway, round['apollo-standalone']) })),
  };
}

function measuredVariants(round: { previous?: unknown }): VariantName[] {
  return round.previous ? [...VARIANTS, PREVIOUS] : [...VARIANTS];
}

function mapVariants<T>(names: VariantName[], of: (name: VariantName) => T): PerVariant<T> {
  return Object.fromEntries(names.map((name) => [name, of(name)])) as PerVariant<T>;
}

const fixed = (value: number, digits = 0) => value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function peakLine(round: number, name: VariantName, figures: PeakFigures): string {
  return (
    `round ${round + 1} ${name.padEnd(17)} ${fixed(figures.rate).padStart(7)} req/s  ${fixed(figures.cpuUsPerRequest).padStart(5)} µs CPU/req  ` +
    `generator ${fixed(figures.generatorCpuPercent)} % CPU  p50 ${fixed(figures.p50Ms, 2)} ms  p99 ${fixed(figures.p99Ms, 2)} ms  peak RSS ${fixed(figures.peakRssMb)} MB`
  );
}

export function pacedLine(round: number, rate: number, figures: PacedRound): string {
  const p99s = measuredVariants(figures)
    .map((name) => `${name} ${fixed(figures[name]!.p99Ms, 2)}${figures[name]!.late ? ` (${figures[name]!.late} late)` : ''}`)
    .join(', ');
  return `half-load round ${round + 1} at ${rate} req/s: p99 ms ${p99s}; gateway − floor ${fixed(figures.gateway.p99Ms - figures.floor.p99Ms, 2)} ms (CPU stolen by the hypervisor: ${fixed(figures.stolenMs)} ms)`;
}

export function printSummary(summary: Summary, rounds: PeakRound[], print: (line: string) => void): void {
  const { peak, halfLoad } = summary;
  print('');
  print('| variant | req/s, median (rounds) | CPU µs/req | generator CPU | p50 / p99 ms | peak RSS MB | p50 / p99 ms at half load |');
  print('|---|---|---|---|---|---|---|');
  for (const name of measuredVariants(rounds[0]!)) {
    const figures = peak[name]!;
    const paced = halfLoad.medians[name]!;
    const perRound = rounds.map((round) => fixed(round[name]!.rate)).join(' · ');
    print(
      `| ${TITLES[name]} | ${fixed(figures.rate)} (${perRound}) | ${fixed(figures.cpuUsPerRequest)} | ${fixed(figures.generatorCpuPercent)} % | ` +
        `${fixed(figures.p50Ms, 2)} / ${fixed(figures.p99Ms, 2)} | ${fixed(figures.peakRssMb)} | ${fixed(paced.p50Ms, 2)} / ${fixed(paced.p99Ms, 2)}${paced.overCapacity ? ' (over capacity)' : ''} |`,
    );
  }
  print('');
  if ('refused' in summary.ratios) print(`ratios not reported: ${summary.ratios.refused}`);
  else {
    const { overFloor, overApolloStandalone, overApolloFetch, perRound } = summary.ratios;
    const rounds = (pick: (round: Ratios['perRound'][number]) => Ratio) => `rounds ${perRound.map((round) => `${fixed(pick(round).rate, 2)}/${fixed(pick(round).cpu, 2)}`).join(' · ')}`;
    print(`gateway ÷ floor:             ${fixed(overFloor.rate, 2)} in req/s, ${fixed(overFloor.cpu, 2)} per CPU µs   (for information)   (${rounds((round) => round.overFloor)})`);
    print(`gateway ÷ apollo-standalone: ${fixed(overApolloStandalone.rate, 2)} in req/s, ${fixed(overApolloStandalone.cpu, 2)} per CPU µs   target ≥ 0.90 per CPU µs (${rounds((round) => round.overApolloStandalone)})`);
    print(`gateway ÷ apollo-fetch:      ${fixed(overApolloFetch.rate, 2)} in req/s, ${fixed(overApolloFetch.cpu, 2)} per CPU µs   (the fetch baseline, no target)`);
    const { overPrevious } = summary.ratios;
    if (overPrevious) {
      const previousRounds = overPrevious.rounds.map((round) => `${fixed(round.rate, 2)}/${fixed(round.cpu, 2)}`).join(' · ');
      print(`gateway ÷ previous:          ${fixed(overPrevious.rate, 2)} in req/s, ${fixed(overPrevious.cpu, 2)} per CPU µs   (--compare-dist; rounds ${previousRounds})`);
    }
  }
  const overheads = halfLoad.p99OverheadRoundsMs.map((value) => fixed(value, 2)).join(' · ');
  print(`p99 overhead at ${halfLoad.rate} req/s (half the gateway's peak), gateway − floor paired per round: ${fixed(halfLoad.p99OverheadMs, 2)} ms   target ≤ 2   (rounds ${overheads})`);
  print(`gateway peak RSS: ${fixed(peak.gateway.peakRssMb)} MB   target ≤ 150`);
  print(`generator ceiling: upstream-alone ${fixed(peak['upstream-alone'].rate)} req/s = ${fixed(peak['upstream-alone'].rate / peak.floor.rate, 2)}× the floor (ratios need ≥ 2×)`);
}

/**
 * Graph writes a DateTimeOffset with up to 7 fraction digits (100 ns ticks) and trailing zeros trimmed,
 * so a client meets anything from 0 to 7 digits. The emulator's clock has milliseconds; each stamp adds
 * sub-millisecond ticks from a fixed cycle, so answers carry 7, 6, 5, 4 and 3 (or fewer) digits in turn,
 * never moving a stamp out of its millisecond. Each stamp takes a millisecond of its own, after the last
 * one's: two sessions created in one millisecond would otherwise tie, and `$orderby` on their times could
 * answer either order.
 */
const SUB_MILLISECOND_TICKS = [1, 0, 10, 100, 1000] as const;

export class GraphClock {
  private stamps = 0;
  private lastMs = -Infinity;

  constructor(readonly now: () => number = Date.now) {}

  /** The current instant as Graph writes it, later than every stamp before it. */
  stamp(): string {
    const ticks = SUB_MILLISECOND_TICKS[this.stamps++ % SUB_MILLISECOND_TICKS.length]!;
    this.lastMs = Math.max(this.now(), this.lastMs + 1);
    return graphDateTime(this.lastMs, ticks);
  }

  /** The current instant cut to the whole second: the 0-digit form. */
  wholeSecond(): string {
    return graphDateTime(Math.floor(this.now() / 1000) * 1000, 0);
  }
}

/** An instant in ms plus 100 ns ticks (0-9999), written with 7 fraction digits, trailing zeros trimmed. */
export function graphDateTime(ms: number, ticks = 0): string {
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  const fraction = `${iso.slice(20, 23)}${String(ticks).padStart(4, '0')}`.replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

/**
 * What stops the work done for one request: its caller leaving or its deadline passing. Everything that
 * takes an AbortSignal takes it (undici, cockatiel, @azure/identity and our own waits only read
 * `aborted`/`reason` and listen for `abort`), but it is not made by an AbortController: Node 20 gives
 * every AbortSignal a hidden class of its own, allocated straight into the old generation. At ~1,000
 * requests a second those were nine tenths of the bytes promoted, so most full collections and the
 * latency spikes they cause (BENCHMARKS.md). Instances of this class share one hidden class.
 */
export class RequestStop extends EventTarget implements AbortSignal {
  #aborted = false;
  #reason: unknown = undefined;
  onabort: ((this: AbortSignal, event: Event) => unknown) | null = null;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  /** Aborts once; later calls keep the first reason, as AbortController does. */
  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    const event = new Event('abort');
    this.onabort?.call(this, event);
    this.dispatchEvent(event);
  }

  throwIfAborted(): void {
    if (this.#aborted) throw this.#reason;
  }
}

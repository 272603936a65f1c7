import { connect } from 'node:net';

/** Bytes to write, or a pause between them (a slow client). */
export type Piece = Buffer | { pauseMs: number };

/**
 * Writes the pieces on a fresh connection to 127.0.0.1:`port`, then waits briefly for an answer; resolves
 * with the status line or '' (never rejects): for fuzzing a server with requests no HTTP client would send.
 * `answerWithinMs` bounds the wait from the connect: a test that asserts the answer gives it a bound a
 * loaded machine cannot cross, since an answer later than the bound reads as none.
 */
export function raw(port: number, pieces: Piece[], answerWithinMs = 1500): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer.split('\r\n')[0] ?? '');
    };
    const timer = setTimeout(done, answerWithinMs);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    void (async () => {
      for (const piece of pieces) {
        if (socket.destroyed) return;
        if (Buffer.isBuffer(piece)) socket.write(piece);
        else await new Promise((wait) => setTimeout(wait, piece.pauseMs));
      }
    })();
  });
}

/** mulberry32: a tiny seeded generator, so a failing fuzz round can be replayed. */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

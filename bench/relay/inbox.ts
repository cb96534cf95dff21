/**
 * The load generator's own memory on the hot path. At 2× the reference's saturation it receives
 * ≈ 100,000 frames a second on one core; kept as they came (views into the socket's read
 * buffers, each holding its whole 64 KB chunk alive, and a JavaScript array of numbers per
 * latency) they were promoted to the old generation by the hundred thousand, and garbage
 * collection took a quarter of the generator's core. Packed copies die young instead.
 */

/**
 * A growing list of byte strings in one buffer: no object per entry for the collector to trace
 * (the grid's scripts hold ≈ 360,000 keystrokes at 2× saturation; as a Buffer each, ≈ 16 bytes
 * of data cost ≈ 100 bytes of heap, a quarter of the generator's live heap). `at` hands out
 * views; they stay valid, since a grown buffer is a new one and what was written is never
 * overwritten.
 */
export class ByteList {
  #bytes: Uint8Array;
  #ends = new Uint32Array(64);
  #count = 0;

  constructor(initialBytes = 4096) {
    this.#bytes = new Uint8Array(initialBytes);
  }

  get length(): number {
    return this.#count;
  }

  /** Bytes it can hold before growing. */
  get capacity(): number {
    return this.#bytes.byteLength;
  }

  push(entry: Uint8Array): void {
    const used = this.#used();
    if (used + entry.byteLength > this.#bytes.byteLength) {
      const grown = new Uint8Array(Math.max(this.#bytes.byteLength * 2, used + entry.byteLength));
      grown.set(this.#bytes.subarray(0, used));
      this.#bytes = grown;
    }
    this.#bytes.set(entry, used);
    if (this.#count === this.#ends.length) {
      const grown = new Uint32Array(this.#ends.length * 2);
      grown.set(this.#ends);
      this.#ends = grown;
    }
    this.#ends[this.#count++] = used + entry.byteLength;
  }

  /** Entry `index`, or undefined past the end. */
  at(index: number): Uint8Array | undefined {
    if (index < 0 || index >= this.#count) return undefined;
    return this.#bytes.subarray(index === 0 ? 0 : (this.#ends[index - 1] ?? 0), this.#ends[index]);
  }

  #used(): number {
    return this.#count === 0 ? 0 : (this.#ends[this.#count - 1] ?? 0);
  }
}

/** Updates received and not yet applied. */
export class Inbox {
  #list = new ByteList();

  get size(): number {
    return this.#list.length;
  }

  push(update: Uint8Array): void {
    this.#list.push(update);
  }

  /**
   * Empties the inbox, handing each update over in order. The views stay valid: the next push
   * writes into a new list (Yjs may keep views of what it decodes).
   */
  drain(each: (update: Uint8Array) => void): void {
    const list = this.#list;
    // Sized as the last one was (up to 1 MB): a steady stream does not regrow from 4 KB each time.
    this.#list = new ByteList(Math.min(list.capacity, 1 << 20));
    for (let i = 0; i < list.length; i++) {
      const update = list.at(i);
      if (update !== undefined) each(update);
    }
  }
}

/** A growing list of numbers in typed arrays (latencies: hundreds of thousands per window). */
export class Samples {
  #chunks: Float64Array[] = [];
  #current = new Float64Array(CHUNK);
  #used = 0;

  get length(): number {
    return this.#chunks.length * CHUNK + this.#used;
  }

  push(value: number): void {
    if (this.#used === CHUNK) {
      this.#chunks.push(this.#current);
      this.#current = new Float64Array(CHUNK);
      this.#used = 0;
    }
    this.#current[this.#used++] = value;
  }

  toFloat64Array(): Float64Array {
    const out = new Float64Array(this.length);
    this.#chunks.forEach((chunk, index) => {
      out.set(chunk, index * CHUNK);
    });
    out.set(this.#current.subarray(0, this.#used), this.#chunks.length * CHUNK);
    return out;
  }
}

const CHUNK = 65_536;

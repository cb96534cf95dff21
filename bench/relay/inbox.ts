/**
 * The load generator's own memory on the hot path. At 2× the reference's saturation it receives
 * ≈ 100,000 frames a second on one core; kept as they came (views into the socket's read
 * buffers, each holding its whole 64 KB chunk alive, and a JavaScript array of numbers per
 * latency) they were promoted to the old generation by the hundred thousand, and garbage
 * collection took a quarter of the generator's core. Packed copies die young instead.
 */

/** Updates received and not yet applied, copied into one growing buffer. */
export class Inbox {
  #bytes = new Uint8Array(4096);
  #used = 0;
  #lengths = new Uint32Array(64);
  #count = 0;

  get size(): number {
    return this.#count;
  }

  push(update: Uint8Array): void {
    if (this.#used + update.byteLength > this.#bytes.byteLength) {
      const grown = new Uint8Array(Math.max(this.#bytes.byteLength * 2, this.#used + update.byteLength));
      grown.set(this.#bytes.subarray(0, this.#used));
      this.#bytes = grown;
    }
    this.#bytes.set(update, this.#used);
    this.#used += update.byteLength;
    if (this.#count === this.#lengths.length) {
      const grown = new Uint32Array(this.#lengths.length * 2);
      grown.set(this.#lengths);
      this.#lengths = grown;
    }
    this.#lengths[this.#count++] = update.byteLength;
  }

  /**
   * Empties the inbox, handing each update over in order. The views stay valid: the next push
   * writes into a new buffer (Yjs may keep views of what it decodes).
   */
  drain(each: (update: Uint8Array) => void): void {
    const bytes = this.#bytes;
    const lengths = this.#lengths;
    const count = this.#count;
    this.#bytes = new Uint8Array(Math.min(bytes.byteLength, 1 << 20));
    this.#used = 0;
    this.#count = 0;
    let at = 0;
    for (let i = 0; i < count; i++) {
      const length = lengths[i] ?? 0;
      each(bytes.subarray(at, at + length));
      at += length;
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

import fs from "node:fs";
import { crc32 } from "node:zlib";

/**
 * The append log: a plain file in front of SQLite that makes an update durable with one `write`
 * per turn of the event loop (≈ 1.5 µs) instead of a SQLite commit (≈ 50–80 µs of CPU, its page
 * written to the WAL, its locks taken and released). The store moves what it holds into SQLite in
 * one transaction every few milliseconds and before any read, then empties it.
 *
 * Durable means what a commit means with `synchronous = NORMAL`: in the OS's page cache when the
 * write returns, so it survives the process being killed, not a power loss.
 *
 * The file: a header (magic, generation), then records, each `[u32 length][u32 crc32][payload]`,
 * the payload `[u16 name length][document name, UTF-8][update]`, integers little-endian. A crash
 * can leave a torn last record; reading stops at the first record that is incomplete or fails its
 * checksum, and those were never acknowledged. Each emptying starts a new generation, and the
 * store records in SQLite, in the transaction that moved them, the generation it moved: records
 * of a generation SQLite already has are never moved twice.
 */
const MAGIC = Buffer.from("SAMLALG1", "latin1");
export const HEADER_BYTES = 16;
const RECORD_HEAD_BYTES = 8;
const NAME_LENGTH_BYTES = 2;
/** Document names are short ids with slashes; anything longer is refused before it is written. */
const MAX_NAME_BYTES = 0xffff;

export interface LoggedUpdate {
  readonly name: string;
  readonly update: Uint8Array;
}

/** What a log file holds: its generation and every complete record, in order. */
export interface LogContents {
  readonly generation: number;
  readonly records: LoggedUpdate[];
  /** Bytes of the file that are complete records (the header included); a torn tail follows. */
  readonly validBytes: number;
}

/**
 * The records SQLite does not have yet: all of them if the file's generation is newer than the
 * last one moved, none if it was moved (a crash after the move, before the file was emptied).
 */
export function unmovedRecords(contents: LogContents, movedGeneration: number): LoggedUpdate[] {
  return contents.generation > movedGeneration ? contents.records : [];
}

/** Encodes updates as records, one buffer, so they reach the file in one write. */
export function encodeRecords(updates: readonly LoggedUpdate[]): Buffer {
  let total = 0;
  for (const { name, update } of updates) {
    total += RECORD_HEAD_BYTES + NAME_LENGTH_BYTES + Buffer.byteLength(name, "utf8") + update.byteLength;
  }
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const { name, update } of updates) {
    const start = offset + RECORD_HEAD_BYTES;
    const nameBytes = out.write(name, start + NAME_LENGTH_BYTES, "utf8");
    if (nameBytes > MAX_NAME_BYTES)
      throw new Error(`document name too long for the append log: ${nameBytes} bytes`);
    out.writeUInt16LE(nameBytes, start);
    out.set(update, start + NAME_LENGTH_BYTES + nameBytes);
    const length = NAME_LENGTH_BYTES + nameBytes + update.byteLength;
    out.writeUInt32LE(length, offset);
    out.writeUInt32LE(crc32(out.subarray(start, start + length)), offset + 4);
    offset = start + length;
  }
  return out;
}

export function encodeHeader(generation: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeBigUInt64LE(BigInt(generation), MAGIC.length);
  return header;
}

/**
 * Reads a log file's bytes. Throws if they do not start with our header (not an append log: we
 * refuse to guess); a short file (a crash while it was created) holds nothing and is generation 0.
 */
export function decodeLog(bytes: Uint8Array): LogContents {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.byteLength < HEADER_BYTES) return { generation: 0, records: [], validBytes: 0 };
  if (!buffer.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error("not a Samla append log (wrong header)");
  }
  const generation = Number(buffer.readBigUInt64LE(MAGIC.length));
  const records: LoggedUpdate[] = [];
  let offset = HEADER_BYTES;
  while (offset + RECORD_HEAD_BYTES <= buffer.byteLength) {
    const length = buffer.readUInt32LE(offset);
    const start = offset + RECORD_HEAD_BYTES;
    const end = start + length;
    if (length < NAME_LENGTH_BYTES || end > buffer.byteLength) break;
    const payload = buffer.subarray(start, end);
    if (crc32(payload) !== buffer.readUInt32LE(offset + 4)) break;
    const nameBytes = payload.readUInt16LE(0);
    if (NAME_LENGTH_BYTES + nameBytes > length) break;
    const name = payload.toString("utf8", NAME_LENGTH_BYTES, NAME_LENGTH_BYTES + nameBytes);
    // A plain Uint8Array copy: the caller keeps updates, not views on the whole file.
    const update = new Uint8Array(payload.subarray(NAME_LENGTH_BYTES + nameBytes));
    records.push({ name, update });
    offset = end;
  }
  return { generation, records, validBytes: offset };
}

/** The open log file of one store: appends, and empties into a new generation. */
export class AppendLog {
  readonly #fd: number;
  #generation: number;
  /** Bytes of the file: the header and every record written whole. */
  #bytes: number;

  private constructor(fd: number, generation: number, bytes: number) {
    this.#fd = fd;
    this.#generation = generation;
    this.#bytes = bytes;
  }

  /** Reads what the file holds (nothing if there is none) and opens it for appending. */
  static open(file: string): { log: AppendLog; contents: LogContents } {
    const existing = fs.existsSync(file) ? fs.readFileSync(file) : null;
    const contents = existing === null ? { generation: 0, records: [], validBytes: 0 } : decodeLog(existing);
    const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    return { log: new AppendLog(fd, contents.generation, contents.validBytes), contents };
  }

  get generation(): number {
    return this.#generation;
  }

  /**
   * Writes the records with one `write` (more only if the OS takes part of it). On failure the
   * file is cut back to what it held, so a torn record cannot hide the records appended after it.
   */
  append(updates: readonly LoggedUpdate[]): void {
    const bytes = encodeRecords(updates);
    let written = 0;
    try {
      while (written < bytes.byteLength) {
        written += fs.writeSync(this.#fd, bytes, written, bytes.byteLength - written, this.#bytes + written);
      }
    } catch (error) {
      if (written > 0) fs.ftruncateSync(this.#fd, this.#bytes);
      throw error;
    }
    this.#bytes += bytes.byteLength;
  }

  /**
   * Empties the file into generation `next` (after SQLite recorded the current one as moved).
   * Cut first, then the new header: a crash in between leaves the old generation with no records.
   * `scrub` first overwrites the records with zeros and syncs that, so a deleted workshop's text
   * is not left in the file's freed blocks.
   */
  reset(next: number, scrub = false): void {
    if (scrub && this.#bytes > HEADER_BYTES) {
      fs.writeSync(
        this.#fd,
        Buffer.alloc(this.#bytes - HEADER_BYTES),
        0,
        this.#bytes - HEADER_BYTES,
        HEADER_BYTES,
      );
      fs.fdatasyncSync(this.#fd);
    }
    fs.ftruncateSync(this.#fd, Math.min(this.#bytes, HEADER_BYTES));
    fs.writeSync(this.#fd, encodeHeader(next), 0, HEADER_BYTES, 0);
    this.#generation = next;
    this.#bytes = HEADER_BYTES;
  }

  close(): void {
    fs.closeSync(this.#fd);
  }
}

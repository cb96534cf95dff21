/** RFC 6455 §5.2: FIN set, opcode 2 (binary). */
const FINAL_BINARY = 0x82;

/**
 * One unmasked, final, binary WebSocket frame (what a server sends, RFC 6455 §5.2) carrying
 * `payload`: its 2-, 4- or 10-byte header and the payload, in one buffer.
 */
export function binaryFrame(payload: Uint8Array): Buffer {
  const length = payload.byteLength;
  const headerBytes = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + length);
  frame[0] = FINAL_BINARY;
  if (headerBytes === 2) {
    frame[1] = length;
  } else if (headerBytes === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.set(payload, headerBytes);
  return frame;
}

/**
 * A hand-written WebSocket client over `Deno.connect` for the attack tests: it writes frames the browser API
 * cannot (protocol Ping frames, frames of any size, floods without reading) and reads the server's frames
 * only when asked to, answering its protocol pings with pongs unless told not to.
 *
 * @module
 */

const OP_TEXT = 0x1;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** One frame from the server. */
export interface RawFrame {
  readonly opcode: number;
  readonly payload: Uint8Array;
}

/** A frame header with a zero masking key: the payload goes out as it is (RFC 6455 allows any key). */
function header(opcode: number, length: number): Uint8Array {
  const size = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const h = new Uint8Array(size + 4);
  const view = new DataView(h.buffer);
  h[0] = 0x80 | opcode;
  if (size === 2) h[1] = 0x80 | length;
  else if (size === 4) {
    h[1] = 0x80 | 126;
    view.setUint16(2, length);
  } else {
    h[1] = 0x80 | 127;
    view.setBigUint64(2, BigInt(length));
  }
  return h;
}

/** A raw client connected to a `ws://` URL. */
export class RawWsClient {
  readonly conn: Deno.Conn;
  /** Frames read so far that were not control frames. */
  readonly frames: RawFrame[] = [];
  /** The close code the server sent, once read. */
  closeCode: number | undefined;
  /** Whether reading answers the server's protocol pings (a compliant client does). */
  answerPings = true;
  #buffer: Uint8Array = new Uint8Array(0);

  private constructor(conn: Deno.Conn, rest: Uint8Array) {
    this.conn = conn;
    this.#buffer = rest;
  }

  /** Connects and completes the handshake; throws with the status line when refused. */
  static async connect(wsUrl: string): Promise<RawWsClient> {
    const url = new URL(wsUrl);
    const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
    const request = `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n` +
      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
      "Sec-WebSocket-Version: 13\r\n\r\n";
    await conn.write(new TextEncoder().encode(request));
    let head: Uint8Array = new Uint8Array(0);
    for (;;) {
      const chunk = new Uint8Array(4096);
      const n = await conn.read(chunk);
      if (n === null) throw new Error("Connection closed during the handshake");
      head = concat(head, chunk.subarray(0, n));
      const end = findHeadEnd(head);
      if (end < 0) continue;
      const text = new TextDecoder().decode(head.subarray(0, end));
      if (!text.startsWith("HTTP/1.1 101")) {
        conn.close();
        throw new Error(`Upgrade refused: ${text.split("\r\n")[0]}`);
      }
      return new RawWsClient(conn, head.subarray(end + 4));
    }
  }

  /** Writes one frame of `opcode` (text by default). */
  async send(payload: string | Uint8Array, opcode = OP_TEXT): Promise<void> {
    const bytes = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
    await this.conn.write(header(opcode, bytes.byteLength));
    let written = 0;
    while (written < bytes.byteLength) written += await this.conn.write(bytes.subarray(written));
  }

  /** Writes a protocol Ping frame. */
  ping(): Promise<void> {
    return this.send(new Uint8Array(0), OP_PING);
  }

  /** Reads the next frame, answering pings on the way; null when the connection ends. */
  async read(): Promise<RawFrame | null> {
    for (;;) {
      const frame = this.#take();
      if (frame !== null) {
        if (frame.opcode === OP_PING) {
          if (this.answerPings) await this.send(frame.payload, OP_PONG);
          continue;
        }
        if (frame.opcode === OP_CLOSE) {
          this.closeCode = frame.payload.byteLength >= 2
            ? (frame.payload[0]! << 8) | frame.payload[1]!
            : 1005;
        } else this.frames.push(frame);
        return frame;
      }
      const chunk = new Uint8Array(65536);
      let n: number | null;
      try {
        n = await this.conn.read(chunk);
      } catch {
        n = null;
      }
      if (n === null) return null;
      this.#buffer = concat(this.#buffer, chunk.subarray(0, n));
    }
  }

  /**
   * Reads until the server closes (or the connection ends, or `timeoutMs` passes: then it is closed here);
   * the close code, if the server sent one.
   */
  async readUntilClosed(timeoutMs = 10_000): Promise<number | undefined> {
    const timer = setTimeout(() => this.close(), timeoutMs);
    try {
      while (this.closeCode === undefined && (await this.read()) !== null);
    } finally {
      clearTimeout(timer);
    }
    return this.closeCode;
  }

  /** Closes the TCP connection. */
  close(): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }

  #take(): RawFrame | null {
    const b = this.#buffer;
    if (b.byteLength < 2) return null;
    let length = b[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.byteLength < 4) return null;
      length = (b[2]! << 8) | b[3]!;
      offset = 4;
    } else if (length === 127) {
      if (b.byteLength < 10) return null;
      length = Number(new DataView(b.buffer, b.byteOffset + 2, 8).getBigUint64(0));
      offset = 10;
    }
    if (b.byteLength < offset + length) return null;
    this.#buffer = b.slice(offset + length);
    return { opcode: b[0]! & 0x0f, payload: b.slice(offset, offset + length) };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

function findHeadEnd(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.byteLength; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  }
  return -1;
}

import type { Socket } from 'node:net';
import type { Doc } from '../bson/values';
import {
  decodeRequest,
  encodeReply,
  HEADER_SIZE,
  MAX_MESSAGE_SIZE,
  OP_MSG,
  OP_QUERY,
  ProtocolError,
  readHeader,
  type Request,
} from './codec';

export type CommandRunner = (req: Request, conn: ConnectionInfo) => Promise<Doc>;

export interface ConnectionInfo {
  id: number;
  /** The address a client dialled, reported back as `me`/`hosts` in the handshake. */
  localAddress: string;
  /** The client's address as `host:port` (what `currentOp` reports as `client`). */
  remoteAddress?: string;
  /** `client.application.name` from the handshake (fail points can target one application). */
  appName?: string;
}

/**
 * Frames one client socket. Requests run strictly in arrival order so replies never overtake each other;
 * anything that breaks framing (bad length, unknown opcode) closes this connection and only this one.
 */
export class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly socket: Socket,
    readonly info: ConnectionInfo,
    private readonly run: CommandRunner,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => (this.closed = true));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= HEADER_SIZE) {
      const head = this.peek(HEADER_SIZE);
      const h = readHeader(head);
      if (
        h.length < HEADER_SIZE + 5 ||
        h.length > MAX_MESSAGE_SIZE ||
        (h.opCode !== OP_MSG && h.opCode !== OP_QUERY)
      ) {
        this.close();
        return;
      }
      if (this.buffered < h.length) return;
      const msg = this.take(h.length);
      let req: Request;
      try {
        req = decodeRequest(msg, h);
      } catch (e) {
        // Any decoding failure is the client's fault: answer it, never let it reach the process.
        const message = e instanceof ProtocolError ? e.message : `malformed message: ${String(e)}`;
        const err = { ok: 0, errmsg: message, code: 9, codeName: 'FailedToParse' };
        this.enqueue(() =>
          Promise.resolve(this.send(encodeReply({ requestId: h.requestId, opCode: h.opCode }, err))),
        );
        continue;
      }
      this.enqueue(async () => {
        const reply = await this.run(req, this.info);
        if (!req.noReply) this.send(encodeReply(req, reply));
      });
    }
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch(() => this.close());
  }

  private send(buf: Buffer): void {
    if (!this.closed) this.socket.write(buf);
  }

  private peek(n: number): Buffer {
    if ((this.chunks[0] as Buffer).length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] as Buffer;
  }

  private take(n: number): Buffer {
    const first = this.peek(n);
    const msg = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return msg;
  }
}

// HTTP/1.1 on the wire, for http.ts: the request's bytes, and an answer read incrementally from
// whatever pieces the socket delivers. Pure. Only what talking to AWS endpoints and proxies
// needs (RFC 9112): status line and header fields, Content-Length, chunked, read-to-close,
// interim 1xx answers skipped. Anything malformed is an error, never a guess: an endpoint or
// proxy is not trusted to send sane bytes.

/** A request head plus body, as the bytes to write. */
export function requestBytes(
  method: string,
  target: string,
  headers: Array<[string, string]>,
  body: Uint8Array | undefined,
): Buffer {
  if (!TOKEN.test(method)) throw new Error(`invalid HTTP method ${JSON.stringify(method)}`);
  if (/[\s\0]/.test(target) || target === '') throw new Error('invalid request target');
  let head = `${method} ${target} HTTP/1.1\r\n`;
  for (const [name, value] of headers) {
    if (!TOKEN.test(name)) throw new Error(`invalid HTTP header name ${JSON.stringify(name)}`);
    // A CR or LF in a value would start a header (or a request) of the caller's choosing.
    if (/[\r\n\0]/.test(value)) throw new Error(`invalid value for HTTP header ${name}`);
    head += `${name}: ${value}\r\n`;
  }
  head += '\r\n';
  const headBytes = Buffer.from(head, 'latin1');
  return body && body.byteLength > 0 ? Buffer.concat([headBytes, body]) : headBytes;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface AnswerHead {
  status: number;
  reason: string;
  /** Lower-case names; a repeated field's values joined with ", ". */
  headers: Record<string, string>;
  /** Whether the server keeps the connection open after this answer. */
  keepAlive: boolean;
}

export interface Answer extends AnswerHead {
  body: Buffer;
}

/** Larger heads are not an AWS endpoint talking. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** Interim answers before the real one: a server has no reason to send more than a couple. */
export const MAX_INTERIM_ANSWERS = 8;
/** Trailer lines after a chunked body: we read none of them, and take no endless list. */
export const MAX_TRAILER_LINES = 32;

export class WireError extends Error {
  readonly code = 'ERR_HTTP_WIRE';
}

type Framing = { kind: 'none' } | { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' };

/**
 * Reads one answer from the bytes given to push(), in any split. `headOnly` stops after the head
 * (a proxy's answer to CONNECT: what follows belongs to the tunnel).
 */
export class AnswerReader {
  private buffered: Buffer = Buffer.alloc(0);
  private head: AnswerHead | undefined;
  private framing: Framing | undefined;
  private readonly parts: Buffer[] = [];
  private size = 0;
  private chunk: { left: number } | 'size' | 'data-end' | 'trailers' = 'size';
  private interimAnswers = 0;
  private trailerLines = 0;
  private finished = false;
  /** Bytes received after the answer's end (the start of a tunnel, for CONNECT). */
  rest: Buffer = Buffer.alloc(0);

  private readonly options: { method: string; maxBodyBytes: number; headOnly?: boolean };

  constructor(options: { method: string; maxBodyBytes: number; headOnly?: boolean }) {
    this.options = options;
  }

  get done(): boolean {
    return this.finished;
  }

  /** True once anything was received: a reused connection that fails before that was stale. */
  get started(): boolean {
    return this.head !== undefined || this.buffered.length > 0;
  }

  push(bytes: Buffer): void {
    if (this.finished) {
      this.rest = Buffer.concat([this.rest, bytes]);
      return;
    }
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, bytes]) : bytes;
    while (!this.finished && this.step());
  }

  /** The connection ended: completes a read-to-close answer, fails anything else unfinished. */
  end(): void {
    if (this.finished) return;
    if (this.framing?.kind === 'close') {
      this.finished = true;
      return;
    }
    const err = new Error(this.head ? 'the connection closed before the whole answer arrived' : 'socket hang up');
    throw Object.assign(err, { code: this.head ? 'ERR_STREAM_PREMATURE_CLOSE' : 'ECONNRESET' });
  }

  answer(): Answer {
    if (!this.finished || !this.head) throw new Error('the answer is not complete');
    const keepAlive = this.head.keepAlive && this.framing?.kind !== 'close' && this.rest.length === 0;
    return { ...this.head, keepAlive, body: Buffer.concat(this.parts, this.size) };
  }

  /** One parsing step; false when more bytes are needed. */
  private step(): boolean {
    if (!this.head) return this.readHead();
    const framing = this.framing as Framing;
    if (framing.kind === 'none') return this.finish(this.buffered);
    if (framing.kind === 'length') {
      const take = Math.min(framing.left, this.buffered.length);
      this.keep(this.buffered.subarray(0, take));
      framing.left -= take;
      this.buffered = this.buffered.subarray(take);
      return framing.left === 0 ? this.finish(this.buffered) : false;
    }
    if (framing.kind === 'close') {
      this.keep(this.buffered);
      this.buffered = Buffer.alloc(0);
      return false;
    }
    return this.readChunked();
  }

  private readHead(): boolean {
    const end = this.buffered.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this.buffered.length > MAX_HEAD_BYTES)
        throw new WireError(`the answer's header is larger than ${MAX_HEAD_BYTES} bytes`);
      return false;
    }
    if (end > MAX_HEAD_BYTES) throw new WireError(`the answer's header is larger than ${MAX_HEAD_BYTES} bytes`);
    const lines = this.buffered.subarray(0, end).toString('latin1').split('\r\n');
    this.buffered = this.buffered.subarray(end + 4);
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0] as string);
    if (!statusLine)
      throw new WireError(`not an HTTP/1.1 answer: ${JSON.stringify((lines[0] as string).slice(0, 40))}`);
    const status = Number(statusLine[2]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon) : '';
      // Folded lines (obsolete) and names with spaces are how response-splitting tricks look.
      if (!TOKEN.test(name))
        throw new WireError(`malformed header line in the answer: ${JSON.stringify(line.slice(0, 40))}`);
      const key = name.toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
    }
    // 1xx answers are interim (100 Continue, 103 Early Hints); the real one follows, soon.
    if (status >= 100 && status < 200 && status !== 101) {
      if (++this.interimAnswers > MAX_INTERIM_ANSWERS)
        throw new WireError(`more than ${MAX_INTERIM_ANSWERS} interim (1xx) answers`);
      return true;
    }
    const http10 = statusLine[1] === '0';
    const connection = (headers.connection ?? '').toLowerCase().split(/\s*,\s*/);
    const keepAlive = http10 ? connection.includes('keep-alive') : !connection.includes('close');
    this.head = { status, reason: statusLine[3] ?? '', headers, keepAlive };
    this.framing = this.framingOf(status, headers);
    return true;
  }

  private framingOf(status: number, headers: Record<string, string>): Framing {
    if (this.options.headOnly) return { kind: 'none' };
    if (
      this.options.method === 'HEAD' ||
      status === 204 ||
      status === 304 ||
      (this.options.method === 'CONNECT' && status >= 200 && status < 300)
    )
      return { kind: 'none' };
    const encoding = headers['transfer-encoding'];
    if (encoding !== undefined) {
      const codings = encoding.toLowerCase().split(/\s*,\s*/);
      if (codings[codings.length - 1] !== 'chunked' || codings.length > 1)
        throw new WireError(`unsupported transfer encoding ${JSON.stringify(encoding)}`);
      return { kind: 'chunked' };
    }
    const length = headers['content-length'];
    if (length !== undefined) {
      // "5, 5" from a repeated field is allowed when all agree; anything else is ambiguous.
      const values = new Set(length.split(/\s*,\s*/));
      const only = [...values][0] as string;
      if (values.size !== 1 || !/^\d{1,15}$/.test(only))
        throw new WireError(`invalid Content-Length ${JSON.stringify(length)}`);
      const n = Number(only);
      this.checkSize(n);
      return { kind: 'length', left: n };
    }
    return { kind: 'close' };
  }

  private readChunked(): boolean {
    if (this.chunk === 'size' || this.chunk === 'trailers') {
      const eol = this.buffered.indexOf('\r\n');
      if (eol < 0) {
        if (this.buffered.length > MAX_HEAD_BYTES) throw new WireError('malformed chunked answer');
        return false;
      }
      const line = this.buffered.subarray(0, eol).toString('latin1');
      this.buffered = this.buffered.subarray(eol + 2);
      if (this.chunk === 'trailers') {
        if (line === '') return this.finish(this.buffered);
        if (++this.trailerLines > MAX_TRAILER_LINES)
          throw new WireError(`more than ${MAX_TRAILER_LINES} trailer lines`);
        return true;
      }
      const m = /^([0-9a-fA-F]{1,8})[ \t]*(?:;.*)?$/.exec(line);
      if (!m) throw new WireError(`malformed chunk size ${JSON.stringify(line.slice(0, 20))}`);
      const left = Number.parseInt(m[1] as string, 16);
      this.chunk = left === 0 ? 'trailers' : { left };
      if (left > 0) this.checkSize(this.size + left);
      return true;
    }
    if (this.chunk === 'data-end') {
      if (this.buffered.length < 2) return false;
      if (this.buffered[0] !== 0x0d || this.buffered[1] !== 0x0a) throw new WireError('malformed chunked answer');
      this.buffered = this.buffered.subarray(2);
      this.chunk = 'size';
      return true;
    }
    const take = Math.min(this.chunk.left, this.buffered.length);
    if (take === 0) return false;
    this.keep(this.buffered.subarray(0, take));
    this.buffered = this.buffered.subarray(take);
    this.chunk.left -= take;
    if (this.chunk.left === 0) this.chunk = 'data-end';
    return true;
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.checkSize(this.size + bytes.length);
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private checkSize(n: number): void {
    if (n > this.options.maxBodyBytes)
      throw new WireError(`the answer is larger than ${this.options.maxBodyBytes} bytes`);
  }

  private finish(rest: Buffer): boolean {
    this.finished = true;
    this.rest = rest;
    this.buffered = Buffer.alloc(0);
    return false;
  }
}

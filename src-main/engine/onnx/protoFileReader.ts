// Reads protobuf wire format straight from a file descriptor through a small window, so a caller can walk a
// multi-gigabyte message and seek past the fields it does not need (tensor data) without reading them.
import fs from 'node:fs';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const WIRE_NAMES: Readonly<Record<number, string>> = {
  0: 'varint',
  1: 'fixed64',
  2: 'length-delimited',
  3: 'start-group',
  4: 'end-group',
  5: 'fixed32',
};

export interface FieldTag {
  readonly field: number;
  readonly wireType: number;
  /** File offset of the tag, for error messages. */
  readonly offset: number;
}

/** 'truncated': something runs past the end of the file; 'malformed': the bytes are not valid here. */
export type ProtoReadErrorKind = 'truncated' | 'malformed';

export class ProtoReadError extends Error {
  constructor(
    readonly kind: ProtoReadErrorKind,
    message: string,
    /** File offset where the problem was found. */
    readonly offset: number,
    /** For 'truncated': the file offset the data claimed to reach. */
    readonly needed?: number,
  ) {
    super(message);
    this.name = 'ProtoReadError';
  }
}

export interface ProtoFileReaderOptions {
  /** Bytes read per refill; larger strings are read in one go. */
  windowBytes?: number;
  /** Longest string or bytes field readBytes accepts; protects against a corrupt length allocating gigabytes. */
  maxBytesField?: number;
}

const TWO_32 = 4294967296;
const SEEK_READ_BYTES = 4096;

export class ProtoFileReader {
  private readonly window: Buffer;
  private windowStart = 0;
  private windowLength = 0;
  private pos = 0;
  private limit: number;
  private readonly labels: string[] = [];
  private readonly maxBytesField: number;
  private totalRead = 0;

  static open(path: string, options: ProtoFileReaderOptions = {}): ProtoFileReader {
    const fd = fs.openSync(path, 'r');
    try {
      return new ProtoFileReader(fd, fs.fstatSync(fd).size, options, true);
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  }

  constructor(
    private readonly fd: number,
    readonly fileSize: number,
    options: ProtoFileReaderOptions = {},
    private readonly ownsFd = false,
  ) {
    this.window = Buffer.allocUnsafe(options.windowBytes ?? 64 * 1024);
    this.maxBytesField = options.maxBytesField ?? 64 * 1024 * 1024;
    this.limit = fileSize;
  }

  close(): void {
    if (this.ownsFd) fs.closeSync(this.fd);
  }

  get position(): number {
    return this.pos;
  }

  /** End of the message being read (the file size at top level). */
  get end(): number {
    return this.limit;
  }

  /** Bytes actually read from the file so far; seeks past skipped fields cost nothing. */
  get bytesRead(): number {
    return this.totalRead;
  }

  atEnd(): boolean {
    return this.pos >= this.limit;
  }

  readTag(): FieldTag {
    const offset = this.pos;
    const key = this.readUint64();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field < 1 || field > 0x1fffffff) throw this.malformed(`invalid field number ${field}`, offset);
    return { field, wireType, offset };
  }

  /** A varint as a signed 64-bit value (int64, int32 and enums); precision is lost beyond 2^53. */
  readVarint(): number {
    const [lo, hi] = this.readVarint64();
    return (hi | 0) * TWO_32 + lo;
  }

  /** A varint as an unsigned 64-bit value (uint64). */
  readUint64(): number {
    const [lo, hi] = this.readVarint64();
    return hi * TWO_32 + lo;
  }

  readFixed32(): number {
    return this.readWithin(4, (buf, at) => buf.readUInt32LE(at));
  }

  readFixed64(): number {
    return this.readWithin(8, (buf, at) => buf.readUInt32LE(at + 4) * TWO_32 + buf.readUInt32LE(at));
  }

  readFloat(): number {
    return this.readWithin(4, (buf, at) => buf.readFloatLE(at));
  }

  readDouble(): number {
    return this.readWithin(8, (buf, at) => buf.readDoubleLE(at));
  }

  /** The length prefix of a length-delimited field, checked to fit in the enclosing message and the file. */
  readLength(): number {
    const offset = this.pos;
    const length = this.readUint64();
    this.checkRange(this.pos, length, offset);
    return length;
  }

  /** A length-delimited field's bytes, copied out of the window. */
  readBytes(): Buffer {
    const offset = this.pos;
    const length = this.readLength();
    if (length > this.maxBytesField) {
      throw this.malformed(
        `a ${length}-byte string field is larger than the ${this.maxBytesField} bytes allowed`,
        offset,
      );
    }
    if (length > this.window.length) {
      const out = Buffer.allocUnsafe(length);
      this.readFully(out, this.pos);
      this.pos += length;
      return out;
    }
    return this.readWithin(length, (buf, at) => Buffer.from(buf.subarray(at, at + length)));
  }

  readString(): string {
    return this.readBytes().toString('utf8');
  }

  /** Seeks past a length-delimited field without reading its contents; returns its length. */
  skipLengthDelimited(): number {
    const length = this.readLength();
    this.pos += length;
    return length;
  }

  /** A repeated varint field in packed form (one length-delimited run). */
  readPackedVarints(): number[] {
    const length = this.readLength();
    const end = this.pos + length;
    const saved = this.limit;
    this.limit = end;
    const values: number[] = [];
    while (this.pos < end) values.push(this.readVarint());
    this.limit = saved;
    return values;
  }

  /** Skips the value of any field whose tag was just read. */
  skipField(tag: FieldTag): void {
    switch (tag.wireType) {
      case WIRE_VARINT:
        this.readVarint64();
        return;
      case WIRE_FIXED64:
        this.seekWithin(8);
        return;
      case WIRE_LEN:
        this.skipLengthDelimited();
        return;
      case WIRE_FIXED32:
        this.seekWithin(4);
        return;
      default:
        throw this.malformed(`field ${tag.field} has unsupported wire type ${tag.wireType}`, tag.offset);
    }
  }

  /** Throws unless the tag's wire type is the one the schema declares for that field. */
  expectWireType(tag: FieldTag, wireType: number): void {
    if (tag.wireType !== wireType) {
      const got = WIRE_NAMES[tag.wireType] ?? `wire type ${tag.wireType}`;
      throw this.malformed(`field ${tag.field} is ${got}, expected ${WIRE_NAMES[wireType]}`, tag.offset);
    }
  }

  /**
   * Calls `onField` for each field until the end of the current message. `onField` consumes the value of
   * the fields it knows and returns false for the rest, which are skipped.
   */
  readFields(label: string, onField: (tag: FieldTag) => boolean): void {
    this.labels.push(label);
    while (this.pos < this.limit) {
      const tag = this.readTag();
      if (!onField(tag)) this.skipField(tag);
    }
    this.labels.pop();
  }

  /** Reads the embedded message the tag introduces, then leaves the reader just past it whatever was consumed. */
  readMessage(tag: FieldTag, label: string, onField: (tag: FieldTag) => boolean): void {
    this.expectWireType(tag, WIRE_LEN);
    const length = this.readLength();
    const saved = this.limit;
    this.limit = this.pos + length;
    this.readFields(label, onField);
    this.pos = this.limit;
    this.limit = saved;
  }

  // Field readers that check the wire type first; repeated scalars accept both packed and unpacked form.

  varintField(tag: FieldTag): number {
    this.expectWireType(tag, WIRE_VARINT);
    return this.readVarint();
  }

  stringField(tag: FieldTag): string {
    this.expectWireType(tag, WIRE_LEN);
    return this.readString();
  }

  repeatedVarintField(tag: FieldTag): number[] {
    if (tag.wireType === WIRE_LEN) return this.readPackedVarints();
    return [this.varintField(tag)];
  }

  private readVarint64(): [lo: number, hi: number] {
    const offset = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.readByte();
      lo |= (b & 0x7f) << (7 * i);
      if (b < 0x80) return [lo >>> 0, 0];
    }
    let b = this.readByte();
    lo |= (b & 0x7f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b < 0x80) return [lo >>> 0, hi];
    for (let i = 0; i < 5; i++) {
      b = this.readByte();
      hi |= (b & 0x7f) << (7 * i + 3);
      if (b < 0x80) return [lo >>> 0, hi >>> 0];
    }
    throw this.malformed('varint longer than 10 bytes', offset);
  }

  private readByte(): number {
    if (this.pos >= this.limit) throw this.pastEnd(this.pos, 1, this.pos);
    if (this.pos < this.windowStart || this.pos >= this.windowStart + this.windowLength) this.fill(this.pos, 1);
    return this.window[this.pos++ - this.windowStart]!;
  }

  /** Runs `read` over `length` bytes at the current position, refilling the window so they are contiguous. */
  private readWithin<T>(length: number, read: (buf: Buffer, at: number) => T): T {
    this.checkRange(this.pos, length, this.pos);
    if (this.pos < this.windowStart || this.pos + length > this.windowStart + this.windowLength) {
      this.fill(this.pos, length);
    }
    const value = read(this.window, this.pos - this.windowStart);
    this.pos += length;
    return value;
  }

  private seekWithin(length: number): void {
    this.checkRange(this.pos, length, this.pos);
    this.pos += length;
  }

  private fill(at: number, needed: number): void {
    // After a seek past tensor data usually only the next tensor's header is wanted, so read a little;
    // reading on from where the window ended is a sequential scan and gets the whole window.
    const sequential = at === this.windowStart + this.windowLength;
    const wanted = Math.max(needed, sequential ? this.window.length : SEEK_READ_BYTES);
    this.windowStart = at;
    this.windowLength = Math.min(wanted, this.window.length, this.fileSize - at);
    this.readFully(this.window.subarray(0, this.windowLength), at);
  }

  private readFully(target: Buffer, at: number): void {
    let done = 0;
    while (done < target.length) {
      const n = fs.readSync(this.fd, target, done, target.length - done, at + done);
      // The file shrank under us since it was measured.
      if (n === 0) throw this.truncated(at + done, at + target.length);
      done += n;
      this.totalRead += n;
    }
  }

  private checkRange(start: number, length: number, offset: number): void {
    if (start + length > this.limit) throw this.pastEnd(start, length, offset);
  }

  private pastEnd(start: number, length: number, offset: number): ProtoReadError {
    const needed = start + length;
    // Only the outermost message ends at the end of the file; running past an inner message is corruption.
    if (this.limit === this.fileSize) return this.truncated(offset, needed);
    return this.malformed(
      `data runs to byte ${needed}, past the end of its enclosing message (byte ${this.limit})`,
      offset,
    );
  }

  private truncated(offset: number, needed: number): ProtoReadError {
    const detail = `data at byte ${offset} runs to byte ${needed}, past the end of the ${this.fileSize}-byte file`;
    return new ProtoReadError('truncated', detail, offset, needed);
  }

  private malformed(detail: string, offset: number): ProtoReadError {
    const where = this.labels.length > 0 ? ` in ${this.labels[this.labels.length - 1]}` : '';
    return new ProtoReadError('malformed', `${detail}${where} at byte ${offset}`, offset);
  }
}

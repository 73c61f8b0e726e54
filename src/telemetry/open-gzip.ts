import { constants, crc32, createGzip } from 'node:zlib';

/**
 * A gzip stream left open after its last compressed part: flushed to a byte boundary, without the final block
 * and trailer. Each response ends it with text of its own (`closeGzip`), so that a few lines that change at
 * every scrape follow the large text compressed once per refresh, in one valid gzip member.
 */
export interface OpenGzip {
  /** As zlib wrote them: joining them would hold the stream twice for a moment. */
  parts: readonly Buffer[];
  bytes: number;
  /** CRC-32 and length of the text compressed so far, for the trailer. */
  crc: number;
  plainBytes: number;
}

/**
 * Room for one piece of text as bytes, reused for every piece: converting each into a buffer of its own would
 * allocate the whole text (84 MB at 100,000 repositories) outside the heap at every render.
 */
const SCRATCH_BYTES = 512 * 1024;

/** Compresses the pieces one at a time, each written into zlib before the next is asked for. */
export async function openGzip(pieces: Iterable<string>): Promise<OpenGzip> {
  // Output in parts of up to 256 KB rather than zlib's 16 KB: fewer buffers kept, fewer callbacks.
  const gzip = createGzip({ chunkSize: 256 * 1024 });
  const parts: Buffer[] = [];
  gzip.on('data', (part: Buffer) => parts.push(part));
  const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  let crc = 0;
  let plainBytes = 0;
  try {
    for (const text of pieces) {
      const bytes = Buffer.byteLength(text);
      // zlib is done with a piece when its write calls back; only then is the scratch buffer reused.
      const input = bytes <= scratch.length ? scratch.subarray(0, scratch.write(text)) : Buffer.from(text);
      crc = crc32(input, crc);
      plainBytes += input.length;
      await new Promise<void>((resolve, reject) =>
        gzip.write(input, (error) => (error ? reject(error) : resolve())),
      );
    }
    await new Promise<void>((resolve) => gzip.flush(constants.Z_SYNC_FLUSH, () => resolve()));
  } finally {
    gzip.destroy();
  }
  return { parts, bytes: parts.reduce((sum, part) => sum + part.length, 0), crc, plainBytes };
}

/** Largest stored (uncompressed) deflate block. */
const STORED_BLOCK_BYTES = 65_535;

/**
 * What ends the open stream with `text`: the text in stored deflate blocks, the last one final, then the gzip
 * trailer (CRC-32 and length of the whole text, RFC 1952). Stored blocks cost 5 bytes per 64 KB: the text is a
 * few lines.
 */
export function closeGzip(open: OpenGzip, text: Buffer): Buffer {
  const blocks = Math.max(1, Math.ceil(text.length / STORED_BLOCK_BYTES));
  const out = Buffer.allocUnsafe(blocks * 5 + text.length + 8);
  let at = 0;
  for (let block = 0; block < blocks; block++) {
    const from = block * STORED_BLOCK_BYTES;
    const length = Math.min(STORED_BLOCK_BYTES, text.length - from);
    at = out.writeUInt8(block === blocks - 1 ? 1 : 0, at);
    at = out.writeUInt16LE(length, at);
    at = out.writeUInt16LE(~length & 0xffff, at);
    at += text.copy(out, at, from, from + length);
  }
  at = out.writeUInt32LE(crc32(text, open.crc) >>> 0, at);
  out.writeUInt32LE((open.plainBytes + text.length) % 2 ** 32, at);
  return out;
}

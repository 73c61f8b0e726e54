import { gzipSync } from 'node:zlib';
import type { RenderedMetrics } from '../../src/telemetry/pipeline.js';

/** Exposition text as the pipeline hands it to the server: plain or gzip-compressed, in parts of `partBytes`. */
export function renderedFromText(text: string, partBytes = 64 * 1024): RenderedMetrics {
  const plain = Buffer.from(text);
  const gzip = gzipSync(plain);
  const gzipParts: Buffer[] = [];
  for (let offset = 0; offset < gzip.length; offset += partBytes)
    gzipParts.push(gzip.subarray(offset, offset + partBytes));
  return {
    gzipParts,
    gzipBytes: gzip.length,
    plainBytes: plain.length,
    renderedAtMs: Date.now(),
    renderSeconds: 0,
    body: (compressed) => {
      if (compressed) return { bytes: gzip.length, parts: gzipParts };
      const plainParts: Buffer[] = [];
      for (let offset = 0; offset < plain.length; offset += partBytes)
        plainParts.push(plain.subarray(offset, offset + partBytes));
      return { bytes: plain.length, parts: plainParts };
    },
  };
}

import type { VolumeFigures } from '../storage/registry-storage.js';

/**
 * The command run in the registry container. POSIX `df -P -k` is understood alike by GNU coreutils, busybox
 * (even built without its "fancy" options, which is where `-B` lives) and toybox, and prints one line per
 * filesystem in 1024-byte blocks; the unit is still read from the header rather than assumed.
 */
export function dfCommand(directory: string): string[] {
  return ['df', '-P', '-k', directory];
}

/** Parses the output of dfCommand for one directory into bytes; throws on anything it does not recognise. */
export function parseDfOutput(text: string): VolumeFigures {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const header = lines.shift();
  if (!header) throw new Error('df printed nothing');
  const blockSize = headerBlockSize(header);

  const fields = lines.map((line) => line.split(/\s+/));
  // Some df builds put a long device name on a line of its own and the figures on the next.
  if (fields.length === 2 && fields[0]!.length === 1) fields.splice(0, 2, [...fields[0]!, ...fields[1]!]);
  if (fields.length !== 1) throw new Error(`df printed ${fields.length} filesystem lines; expected one`);
  const [, blocks, used, available, capacity] = fields[0]!;
  if (fields[0]!.length < 6 || !/^(\d+%|-)$/.test(capacity ?? '')) {
    throw new Error(`df line not understood: "${lines.join(' ')}"`);
  }
  return {
    sizeBytes: toBytes(blocks, blockSize),
    usedBytes: toBytes(used, blockSize),
    availableBytes: toBytes(available, blockSize),
  };
}

/** The block size the header announces: "1024-blocks" (POSIX), "1K-blocks", "512-blocks", "1B-blocks". */
function headerBlockSize(header: string): number {
  const columns = header.split(/\s+/);
  const unit = /^(\d+)([KMG]?)B?-blocks$/i.exec(columns[1] ?? '');
  if (columns[0] !== 'Filesystem' || !unit || !/\bUsed\b/.test(header) || !/\bAvail/.test(header)) {
    throw new Error(`df header not understood: "${header}"`);
  }
  const scale = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[
    unit[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'
  ];
  return Number(unit[1]) * scale;
}

function toBytes(field: string | undefined, blockSize: number): number {
  if (!field || !/^\d+$/.test(field)) throw new Error(`df figure "${field}" is not a block count`);
  // Network filesystems report up to 8 EiB (EFS); beyond 2^53 the nearest double is as exact as a gauge gets.
  return Number(BigInt(field) * BigInt(blockSize));
}

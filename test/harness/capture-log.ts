import { createLogger, type Logger } from '../../src/log.js';

/** A logger that keeps every line (logfmt), for tests that count or inspect log lines. */
export function captureLog(level: 'debug' | 'info' | 'warn' = 'info'): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger({ level, format: 'logfmt', write: (line) => lines.push(line) }), lines };
}

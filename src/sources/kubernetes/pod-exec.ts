import { PassThrough, Writable } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
// Not re-exported by the package's index; the package has no exports map, so its dist path is stable per release.
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';

/** What a command printed, and how it ended according to the status channel. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  status: V1Status;
}

/** Output beyond this is a sign of the wrong command; the collector needs a few lines. */
const MAX_OUTPUT_BYTES = 64 * 1024;

/**
 * Runs a command in a container over the WebSocket exec protocol (channel 1 stdout, 2 stderr, 3 status) and
 * resolves once the status arrived. Rejects when the connection is refused or closes without a status.
 */
export async function execInContainer(
  kubeConfig: KubeConfig,
  target: { namespace: string; pod: string; container: string },
  command: readonly string[],
  signal: AbortSignal,
): Promise<ExecResult> {
  signal.throwIfAborted();
  const stdout = new TextSink();
  const stderr = new TextSink();
  // Own streams for the handler: client-node would otherwise end process.stdout on a v5 close frame.
  const handler = new WebSocketHandler(kubeConfig, undefined, {
    stdin: new PassThrough(),
    stdout: new TextSink(),
    stderr: new TextSink(),
  });
  let status: V1Status | undefined;
  const socket = await new Exec(kubeConfig, handler).exec(
    target.namespace,
    target.pod,
    target.container,
    [...command],
    stdout,
    stderr,
    null,
    false,
    (received) => (status = received),
  );
  return new Promise<ExecResult>((resolve, reject) => {
    const abort = () => {
      socket.terminate();
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
    socket.on('close', () => {
      signal.removeEventListener('abort', abort);
      if (status) resolve({ stdout: stdout.text, stderr: stderr.text, status });
      else reject(new Error(`exec in ${target.pod}/${target.container} closed without a status`));
    });
  });
}

/** Collects what a stream writes, up to MAX_OUTPUT_BYTES. */
class TextSink extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.size < MAX_OUTPUT_BYTES) {
      this.chunks.push(chunk.subarray(0, MAX_OUTPUT_BYTES - this.size));
      this.size += chunk.length;
    }
    done();
  }
}

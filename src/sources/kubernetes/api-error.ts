import type { KubernetesVerb } from './api-calls.js';

/** What an operator should check for each refusal; the message carries it so one log line is enough. */
const HINTS: Readonly<Record<number, string>> = {
  401: 'the API server refused the credentials: check the service account token or the kubeconfig user',
  403: "the service account may not do this: compare the chart's Role with the exporter's list of API calls",
  404: 'no such object: check kubernetes.namespace, kubernetes.release and kubernetes.fullname',
};

/** A Kubernetes API call that failed, with the HTTP status (0 when no answer came) and what it tried to do. */
export class KubernetesApiError extends Error {
  constructor(
    readonly verb: KubernetesVerb,
    readonly resource: string,
    readonly target: string,
    readonly status: number,
    detail: string,
  ) {
    const answer = status > 0 ? `answered ${status}` : 'did not answer';
    const hint = HINTS[status];
    super(
      `Kubernetes API ${answer} to ${verb} ${resource} ${target}` +
        (detail ? `: ${detail}` : '') +
        (hint ? ` (${hint})` : ''),
    );
    this.name = 'KubernetesApiError';
  }

  /** The `code` attribute of the error counter: the HTTP status, or `none` when the server did not answer. */
  get code(): string {
    return this.status > 0 ? String(this.status) : 'none';
  }
}

/** The HTTP status and the server's own message from whatever client-node threw. */
export function describeFailure(error: unknown): { status: number; detail: string } {
  const { code, body, message } = (error ?? {}) as { code?: unknown; body?: unknown; message?: unknown };
  if (typeof code === 'number' && code >= 100) return { status: code, detail: statusMessage(body) };
  // ws reports a refused upgrade as "Unexpected server response: 403".
  const text = typeof message === 'string' ? message : String(error);
  const upgrade = /Unexpected server response: (\d{3})/.exec(text);
  if (upgrade) return { status: Number(upgrade[1]), detail: '' };
  return { status: 0, detail: text };
}

/** The `message` of a Kubernetes Status body, whether client-node gives it parsed or as text. */
function statusMessage(body: unknown): string {
  let status = body;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      return body.slice(0, 200);
    }
  }
  const message = (status as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : '';
}

/**
 * Every Kubernetes API call the exporter makes, in one place. The chart's Role
 * (charts/harbor-exporter/templates/role.yaml) grants exactly these and a test checks that it does; another test
 * fails when the exporter sends the API server a request that is not listed here. All calls are namespaced to
 * Harbor's namespace: the exporter needs no cluster-wide rights.
 */

/** Names of the goharbor/harbor-helm release's objects the exporter reads. */
export interface HarborRelease {
  namespace: string;
  release: string;
  /** `<release>` when it contains "harbor", else `<release>-harbor`, unless set explicitly. */
  fullname: string;
}

export type KubernetesVerb = 'get' | 'list' | 'create';
export type KubernetesResource = 'configmaps' | 'secrets' | 'pods' | 'pods/exec';

/** An object a call may name: one of the chart's objects (`<fullname><suffix>`), or a Secret Harbor points to. */
export type ObjectName =
  | { suffix: string }
  /** The external database's `existingSecret`, found in the core pod's POSTGRESQL_PASSWORD secretKeyRef. */
  | { externalDatabaseSecret: true };

export interface KubernetesApiCall {
  /** RBAC verbs that authorize the call. */
  verbs: readonly KubernetesVerb[];
  resource: KubernetesResource;
  /** The only objects it may read; absent when RBAC cannot name them (lists, exec into a pod of a Deployment). */
  names?: readonly ObjectName[];
  why: string;
}

export const kubernetesApiCalls = {
  readConfigMap: {
    verbs: ['get'],
    resource: 'configmaps',
    names: [{ suffix: '-core' }, { suffix: '-registry' }],
    why: "core: the database's host, port, user, name and sslmode, Harbor's URL; registry: its storage driver",
  },
  readSecret: {
    verbs: ['get'],
    resource: 'secrets',
    names: [{ suffix: '-core' }, { suffix: '-database' }, { externalDatabaseSecret: true }],
    why: "the database password: core's POSTGRESQL_PASSWORD, the external database's existingSecret, or the internal database's POSTGRES_PASSWORD",
  },
  listPods: {
    verbs: ['list'],
    resource: 'pods',
    why: "Harbor's pods by label (app=harbor, release=<release>): readiness and restarts, the registry pod for df, the core pod's secret references",
  },
  execInPod: {
    // A WebSocket exec is an HTTP GET: Kubernetes up to 1.29 authorizes it as `get`, 1.30+ as `create`.
    verbs: ['create', 'get'],
    resource: 'pods/exec',
    why: 'df on the registry storage directory in the registry container (filesystem storage only)',
  },
} as const satisfies Record<string, KubernetesApiCall>;

export type KubernetesApiCallName = keyof typeof kubernetesApiCalls;

/** The concrete names an ObjectName stands for in one release; the external Secret only once it is known. */
export function resolveObjectName(
  name: ObjectName,
  release: HarborRelease,
  externalDatabaseSecret?: string,
): string | undefined {
  return 'suffix' in name ? release.fullname + name.suffix : externalDatabaseSecret;
}

/** A request as the API server sees it, reduced to what RBAC decides on. */
export interface KubernetesRequest {
  verb: KubernetesVerb;
  namespace: string;
  resource: string;
  name?: string;
}

/** Whether the list above allows the request for this release. */
export function isListedCall(
  request: KubernetesRequest,
  release: HarborRelease,
  externalDatabaseSecret?: string,
): boolean {
  if (request.namespace !== release.namespace) return false;
  return Object.values(kubernetesApiCalls).some((call: KubernetesApiCall) => {
    if (call.resource !== request.resource || !call.verbs.includes(request.verb)) return false;
    if (!call.names) return true;
    return call.names.some(
      (name) => resolveObjectName(name, release, externalDatabaseSecret) === request.name,
    );
  });
}

/** An RBAC PolicyRule as the Role must contain it. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** The Role's rules for one release, derived from the list above. */
export function roleRules(release: HarborRelease, externalDatabaseSecret?: string): PolicyRule[] {
  return Object.values(kubernetesApiCalls).map((call: KubernetesApiCall) => {
    const rule: PolicyRule = { apiGroups: [''], resources: [call.resource], verbs: [...call.verbs] };
    if (call.names) {
      rule.resourceNames = call.names.flatMap(
        (name) => resolveObjectName(name, release, externalDatabaseSecret) ?? [],
      );
    }
    return rule;
  });
}

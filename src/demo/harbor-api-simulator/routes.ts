import type { HarborObjects, PageOf } from './harbor-objects.js';
import { pageHeaders, requestedPage, type Page } from './paging.js';
import type { SimulatorState } from './simulator-state.js';

/** Who is calling: an account that authenticated, or nobody (no or wrong credentials, as Harbor treats them). */
export interface Caller {
  username?: string;
  sysadmin: boolean;
  /** Harbor's permission resources this caller may read (robot accounts); a system administrator reads all. */
  permissions: ReadonlySet<string>;
}

export interface RouteContext {
  url: URL;
  /** Captures of the route's pattern. */
  params: string[];
  caller: Caller;
  objects: HarborObjects;
  state: SimulatorState;
  harborVersion: string;
}

export interface Answer {
  status: number;
  body?: unknown;
  /** A text answer (/ping) instead of JSON. */
  text?: string;
  headers?: Record<string, string>;
}

/** public: anyone; authenticated: any account; a resource: an account allowed to read it. */
export type Access = 'public' | 'authenticated' | { resource: string };

export interface Route {
  pattern: RegExp;
  access: Access;
  answer(context: RouteContext): Promise<Answer> | Answer;
}

/** Harbor's error body. */
export function errorAnswer(status: number, code: string, message: string): Answer {
  return { status, body: { errors: [{ code, message }] } };
}

async function paged(
  context: RouteContext,
  fetch: (page: Page) => Promise<PageOf<unknown>>,
): Promise<Answer> {
  const page = requestedPage(context.url.searchParams);
  if ('error' in page)
    return errorAnswer(422, 'UNPROCESSABLE_ENTITY', `validation failure list:\n${page.error}`);
  const { items, total } = await fetch(page);
  return { status: 200, body: items, headers: pageHeaders(context.url, page, total) };
}

function pageOf<T>(items: readonly T[], page: Page): PageOf<T> {
  return { items: items.slice(page.offset, page.offset + page.pageSize), total: items.length };
}

const exact = (path: string) => new RegExp(`^${path.replace(/[/.]/g, '\\$&')}$`);

/** Every endpoint the exporter reads, answering as Harbor 2.15 does. */
export const routes: readonly Route[] = [
  { pattern: exact('/ping'), access: 'public', answer: () => ({ status: 200, text: 'Pong' }) },
  {
    pattern: exact('/health'),
    access: 'public',
    answer: ({ state }) => ({
      status: 200,
      body: {
        status: state.components.every((component) => component.status === 'healthy')
          ? 'healthy'
          : 'unhealthy',
        components: state.components,
      },
    }),
  },
  {
    pattern: exact('/systeminfo'),
    access: 'public',
    answer: ({ state, caller, harborVersion }) => {
      const authenticated = caller.username !== undefined;
      return {
        status: 200,
        body: {
          auth_mode: state.authMode,
          primary_auth_mode: false,
          project_creation_restriction: 'everyone',
          self_registration: state.selfRegistration,
          has_ca_root: false,
          read_only: state.readOnly,
          notification_enable: true,
          external_url: state.externalUrl,
          registry_url: new URL(state.externalUrl).host,
          current_time: new Date().toISOString(),
          // Hidden from anonymous callers, as Harbor does.
          ...(authenticated
            ? { harbor_version: harborVersion, registry_storage_provider_name: state.storageProvider }
            : {}),
        },
      };
    },
  },
  {
    pattern: exact('/systeminfo/volumes'),
    access: { resource: 'system-volumes' },
    answer: ({ state }) => ({ status: 200, body: { storage: [{ ...state.volume }] } }),
  },
  {
    pattern: exact('/statistics'),
    access: 'authenticated',
    answer: async ({ objects, caller }) => ({ status: 200, body: await objects.statistics(caller.sysadmin) }),
  },
  {
    pattern: exact('/projects'),
    access: 'public',
    answer: (context) =>
      paged(context, (page) => context.objects.projects(page, context.caller.username === undefined)),
  },
  {
    pattern: exact('/repositories'),
    access: { resource: 'repository' },
    answer: (context) => paged(context, (page) => context.objects.repositories(page)),
  },
  {
    pattern: exact('/quotas'),
    access: { resource: 'quota' },
    answer: (context) => {
      const reference = context.url.searchParams.get('reference');
      if (reference && reference !== 'project')
        return { status: 200, body: [], headers: { 'x-total-count': '0' } };
      return paged(context, (page) => context.objects.quotas(page));
    },
  },
  {
    pattern: exact('/registries'),
    access: { resource: 'registry' },
    answer: (context) => paged(context, (page) => context.objects.registries(page)),
  },
  {
    pattern: exact('/replication/policies'),
    access: { resource: 'replication-policy' },
    answer: (context) => paged(context, (page) => context.objects.replicationPolicies(page)),
  },
  {
    pattern: exact('/replication/executions'),
    access: { resource: 'replication' },
    answer: (context) => {
      const policy = context.url.searchParams.get('policy_id');
      const sort = context.url.searchParams.get('sort') ?? '-start_time';
      return paged(context, (page) =>
        context.objects.replicationExecutions(
          page,
          policy ? Number(policy) : undefined,
          !sort.startsWith('-'),
        ),
      );
    },
  },
  {
    pattern: exact('/system/gc'),
    access: { resource: 'garbage-collection' },
    answer: (context) => paged(context, (page) => context.objects.gcHistory(page)),
  },
  {
    pattern: exact('/system/gc/schedule'),
    access: { resource: 'garbage-collection' },
    answer: ({ state }) => ({
      status: 200,
      body: {
        id: 1,
        job_name: 'GARBAGE_COLLECTION',
        job_kind: 'SCHEDULE',
        job_parameters: JSON.stringify({ delete_untagged: true, workers: 1 }),
        schedule: { ...state.gcSchedule },
        job_status: '',
        deleted: false,
      },
    }),
  },
  {
    pattern: exact('/scans/all/metrics'),
    access: { resource: 'scan-all' },
    answer: async ({ state, objects }) =>
      state.scannerConfigured
        ? { status: 200, body: await objects.scanAllMetrics() }
        : errorAnswer(412, 'PRECONDITION', 'no scanner is configured, it is not possible to scan'),
  },
  {
    pattern: exact('/jobservice/queues'),
    access: { resource: 'jobservice-monitor' },
    answer: ({ state }) => ({ status: 200, body: state.jobQueues }),
  },
  {
    pattern: exact('/jobservice/pools'),
    access: { resource: 'jobservice-monitor' },
    answer: ({ state }) => ({ status: 200, body: state.workerPools }),
  },
  {
    pattern: /^\/jobservice\/pools\/([^/]+)\/workers$/,
    access: { resource: 'jobservice-monitor' },
    answer: ({ state, params }) => {
      const pool = decodeURIComponent(params[0]!);
      if (pool !== 'all' && !state.workerPools.some((candidate) => candidate.worker_pool_id === pool)) {
        return errorAnswer(404, 'NOT_FOUND', `worker pool ${pool} not found`);
      }
      return {
        status: 200,
        body: state.workers.filter((worker) => pool === 'all' || worker.pool_id === pool),
      };
    },
  },
  {
    pattern: exact('/schedules'),
    access: { resource: 'jobservice-monitor' },
    answer: (context) => paged(context, async (page) => pageOf(context.state.schedules, page)),
  },
];

import type pg from 'pg';
import { bulkInsert } from './bulk-insert.js';
import { harborSchemaSql, type HarborRelease } from './harbor-schema.js';
import { SeededRandom } from './random.js';

export interface SyntheticHarborOptions {
  seed?: number;
  release?: HarborRelease;
  /** Repositories in all, spread over the projects. */
  repositories?: number;
  projects?: number;
  maxArtifactsPerRepository?: number;
  maxTagsPerArtifact?: number;
  /** Audit events (pushes and pulls) per repository on average. */
  auditEventsPerRepository?: number;
  robots?: number;
  /** Fixed "now" so timestamps are reproducible. */
  now?: Date;
}

/** What was generated, for the demo banner and quick sanity checks (tests count independently in SQL). */
export interface SyntheticHarborSummary {
  projects: number;
  deletedProjects: number;
  repositories: number;
  artifacts: number;
  tags: number;
  blobs: number;
  auditRows: number;
  executions: number;
  robots: number;
}

const DAY = 86_400_000;
const JOB_KINDS = ['GARBAGE_COLLECTION', 'SCAN_ALL', 'PURGE_AUDIT_LOG', 'SYSTEM_ARTIFACT_CLEANUP'] as const;
const STATUSES = ['Success', 'Success', 'Success', 'Error', 'Stopped', 'Running'] as const;
const LAYER_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
const INDEX_TYPE = 'application/vnd.oci.image.index.v1+json';
const IMAGE_CONFIG_TYPE = 'application/vnd.oci.image.config.v1+json';
/** Windows base layers that registries do not store; Harbor's statistics and quotas leave them out. */
const FOREIGN_LAYER_TYPE = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';
const VULNERABILITY_REPORT = 'application/vnd.security.vulnerability.report; version=1.1';
/** The default scanner writes the reports Harbor shows; a replaced scanner's old reports stay behind. */
const DEFAULT_SCANNER = 'scanner-trivy';
const OLD_SCANNER = 'scanner-clair-retired';

/**
 * Creates Harbor's schema (for the given release) and fills it with a registry of the requested size. The same
 * options always produce the same rows. Used by the demo, the tests and the benchmark.
 */
export async function seedSyntheticHarbor(
  client: pg.ClientBase,
  options: SyntheticHarborOptions = {},
): Promise<SyntheticHarborSummary> {
  const random = new SeededRandom(options.seed ?? 1);
  const release = options.release ?? '2.15';
  const repositoryCount = options.repositories ?? 60;
  const projectCount = options.projects ?? Math.max(3, Math.ceil(repositoryCount / 20));
  const maxArtifacts = options.maxArtifactsPerRepository ?? 4;
  const maxTags = options.maxTagsPerArtifact ?? 3;
  const auditPerRepository = options.auditEventsPerRepository ?? 6;
  const robotCount = options.robots ?? 8;
  const now = (options.now ?? new Date('2026-11-01T12:00:00Z')).getTime();
  const at = (offsetMs: number) => new Date(now - offsetMs).toISOString();
  const hasExt = release !== '2.10';

  await client.query(harborSchemaSql(release));

  // Projects: a few deleted ones keep their rows, renamed name#id, as Harbor does.
  const projects: { id: number; name: string; deleted: boolean }[] = [];
  const deletedProjects = Math.max(1, Math.floor(projectCount / 10));
  for (let id = 1; id <= projectCount + deletedProjects; id++) {
    const deleted = id > projectCount;
    const base = id === 1 ? 'library' : `team-${String(id).padStart(4, '0')}`;
    projects.push({ id, name: deleted ? `${base}-old#${id}` : base, deleted });
  }
  await bulkInsert(
    client,
    'project',
    [
      { name: 'project_id', type: 'int' },
      { name: 'owner_id', type: 'int' },
      { name: 'name', type: 'text' },
      { name: 'deleted', type: 'bool' },
      { name: 'creation_time', type: 'timestamp' },
    ],
    projects.map((project) => [project.id, 1, project.name, project.deleted, at(random.int(30, 900) * DAY)]),
  );
  await bulkInsert(
    client,
    'project_metadata',
    [
      { name: 'project_id', type: 'int' },
      { name: 'name', type: 'text' },
      { name: 'value', type: 'text' },
    ],
    projects.map((project) => [
      project.id,
      'public',
      project.id === 1 || random.chance(0.3) ? 'true' : 'false',
    ]),
  );
  const members: unknown[][] = [];
  for (const project of projects) {
    const count = random.int(1, 5);
    for (let entity = 1; entity <= count; entity++) {
      members.push([project.id, entity, entity % 4 === 0 ? 'g' : 'u', random.int(1, 5)]);
    }
  }
  await bulkInsert(
    client,
    'project_member',
    [
      { name: 'project_id', type: 'int' },
      { name: 'entity_id', type: 'int' },
      { name: 'entity_type', type: 'text' },
      { name: 'role', type: 'int' },
    ],
    members,
  );

  // Repositories, artifacts, tags, blobs. Deleted projects hold no repositories (Harbor requires that).
  const live = projects.filter((project) => !project.deleted);
  /** Every third robot is a system robot; the others belong to a live project. */
  const robotProject = (id: number) => (id % 3 === 0 ? undefined : live[id % live.length]!);
  /** As Harbor stores a robot's name: `project+name` for a project's robot, `name` for a system robot. */
  const robotStoredName = (id: number) => {
    const project = robotProject(id);
    return project ? `${project.name}+bot-${id}` : `bot-${id}`;
  };
  const repositories: unknown[][] = [];
  const artifacts: unknown[][] = [];
  const tags: unknown[][] = [];
  const blobs: unknown[][] = [];
  const projectBlobs = new Set<string>();
  const artifactBlobs: unknown[][] = [];
  const references: unknown[][] = [];
  const accessories: unknown[][] = [];
  const scanReports: unknown[][] = [];
  const auditRows: {
    projectId: number;
    operation: string;
    resourceType: string;
    resource: string;
    time: number;
  }[] = [];
  const repositoryTags: string[] = [];
  const repositoryDigests: string[] = [];
  /** The repository's image artifacts, for indexes and accessories that refer to them. */
  const repositoryImages: { id: number; digest: string; size: number }[] = [];
  /** Children of an index: Harbor pushes them by digest, without tags. */
  const indexChildren = new Set<number>();
  const sharedLayers: { id: number; digest: string; size: number }[] = [];
  let blobId = 0;
  const newBlob = (size: number, contentType = LAYER_TYPE, digest = `sha256:${random.hex(64)}`) => {
    const blob = { id: ++blobId, digest, size };
    blobs.push([blob.id, blob.digest, contentType, blob.size]);
    return blob;
  };
  for (let index = 0; index < 5; index++) sharedLayers.push(newBlob(random.int(2, 80) * 1_000_000));

  let artifactId = 0;
  let tagId = 0;
  for (let repositoryId = 1; repositoryId <= repositoryCount; repositoryId++) {
    const project = live[(repositoryId - 1) % live.length]!;
    const nested = random.chance(0.2) ? `apps/` : '';
    const name = `${project.name}/${nested}service-${String(repositoryId).padStart(6, '0')}`;
    repositories.push([repositoryId, name, project.id, random.int(0, 5000), at(random.int(1, 400) * DAY)]);
    const artifactCount = random.int(1, maxArtifacts);
    for (let n = 0; n < artifactCount; n++) {
      const id = ++artifactId;
      const digest = `sha256:${random.hex(64)}`;
      const type = random.chance(0.9) ? 'IMAGE' : 'CHART';
      const pushedAgo = random.int(1, 300) * DAY + random.int(0, DAY);
      const pulled = random.chance(0.7) ? at(random.int(0, Math.floor(pushedAgo / 2))) : null;
      const layers = [random.pick(sharedLayers), newBlob(random.int(1, 50) * 100_000)];
      if (random.chance(0.03)) layers.push(newBlob(random.int(1, 9) * 10_000_000, FOREIGN_LAYER_TYPE));
      const config = newBlob(random.int(1, 20) * 100);
      // Harbor keeps the manifest as a blob of its own, linked to its artifact like the layers.
      const manifest = newBlob(random.int(400, 2000), MANIFEST_TYPE, digest);
      let size = config.size + manifest.size;
      for (const layer of [manifest, config, ...layers]) {
        projectBlobs.add(`${project.id}:${layer.id}`);
        artifactBlobs.push([digest, layer.digest]);
        if (layer !== config && layer !== manifest) size += layer.size;
      }
      artifacts.push([
        id,
        project.id,
        name,
        digest,
        type,
        pulled,
        at(pushedAgo),
        repositoryId,
        MANIFEST_TYPE,
        MANIFEST_TYPE,
        size,
        type === 'IMAGE' ? IMAGE_CONFIG_TYPE : 'application/vnd.cncf.helm.config.v1+json',
      ]);
      if (type === 'IMAGE') repositoryImages.push({ id, digest, size });
      // The newest artifact always has a tag; older ones sometimes none (untagged).
      const tagCount = n === 0 ? random.int(1, maxTags) : random.int(0, maxTags);
      for (let t = 0; t < tagCount; t++) {
        const tagName = n === 0 && t === 0 ? 'latest' : `v${n}.${t}.${random.int(0, 9)}`;
        tags.push([++tagId, repositoryId, id, tagName, at(pushedAgo), pulled]);
        repositoryTags.push(tagName);
      }
      repositoryDigests.push(digest);
      if (random.chance(0.8)) {
        const critical = random.int(0, 3);
        scanReports.push([
          `report-${id}`,
          digest,
          DEFAULT_SCANNER,
          VULNERABILITY_REPORT,
          critical,
          random.int(0, 8),
          random.int(0, 20),
          random.int(0, 30),
          random.int(0, 5),
          random.int(0, 2),
          random.int(0, critical + 5),
        ]);
      }
      if (random.chance(0.2)) {
        scanReports.push([
          `old-report-${id}`,
          digest,
          OLD_SCANNER,
          VULNERABILITY_REPORT,
          9,
          9,
          9,
          9,
          9,
          9,
          9,
        ]);
      }
    }
    // A multi-arch index on some repositories, stored as Harbor stores it: its children are the repository's
    // last two images, pushed by digest (no tags), and its size is its manifest's plus its children's sizes.
    if (random.chance(0.1) && repositoryImages.length >= 2) {
      const children = repositoryImages.slice(-2);
      const manifest = newBlob(random.int(300, 900), INDEX_TYPE);
      const index = {
        id: ++artifactId,
        digest: manifest.digest,
        size: manifest.size + children.reduce((sum, child) => sum + child.size, 0),
      };
      projectBlobs.add(`${project.id}:${manifest.id}`);
      artifactBlobs.push([index.digest, manifest.digest]);
      const pushedAgo = random.int(1, 300) * DAY;
      artifacts.push([
        index.id,
        project.id,
        name,
        index.digest,
        'IMAGE',
        null,
        at(pushedAgo),
        repositoryId,
        INDEX_TYPE,
        INDEX_TYPE,
        index.size,
        null,
      ]);
      if (random.chance(0.7)) tags.push([++tagId, repositoryId, index.id, 'multiarch', at(pushedAgo), null]);
      for (const [position, child] of children.entries()) {
        indexChildren.add(child.id);
        // The children's manifests are the index's references: Harbor links them to it in artifact_blob.
        artifactBlobs.push([index.digest, child.digest]);
        references.push([index.id, child.id, child.digest, position === 0 ? 'linux/amd64' : 'linux/arm64']);
      }
    }
    // Cosign signatures of some images: untagged artifacts of the same repository, linked to their subject in
    // artifact_accessory. GC's "delete untagged" leaves them to their subject.
    for (const subject of repositoryImages) {
      if (!random.chance(0.15)) continue;
      const layer = newBlob(random.int(200, 400), 'application/vnd.dev.cosign.simplesigning.v1+json');
      const config = newBlob(random.int(200, 300), IMAGE_CONFIG_TYPE);
      const manifest = newBlob(random.int(400, 900), MANIFEST_TYPE);
      const signature = {
        id: ++artifactId,
        digest: manifest.digest,
        size: layer.size + config.size + manifest.size,
      };
      for (const blob of [manifest, layer, config]) {
        projectBlobs.add(`${project.id}:${blob.id}`);
        artifactBlobs.push([signature.digest, blob.digest]);
      }
      artifacts.push([
        signature.id,
        project.id,
        name,
        signature.digest,
        'IMAGE',
        null,
        at(random.int(1, 300) * DAY),
        repositoryId,
        MANIFEST_TYPE,
        MANIFEST_TYPE,
        signature.size,
        IMAGE_CONFIG_TYPE,
      ]);
      accessories.push([
        signature.id,
        subject.id,
        'signature.cosign',
        signature.size,
        signature.digest,
        subject.digest,
        name,
      ]);
    }
    repositoryImages.length = 0;
    // Layers of a deleted artifact: still linked to the project until GC removes them.
    if (random.chance(0.1)) projectBlobs.add(`${project.id}:${newBlob(random.int(1, 30) * 100_000).id}`);
    // Pulls name a tag of the repository, sometimes a digest; a few rows are about other resources.
    const events = random.int(0, auditPerRepository * 2);
    for (let event = 0; event < events; event++) {
      const pull = random.chance(0.75);
      const byDigest = random.chance(0.1);
      const reference = byDigest
        ? `@${random.pick(repositoryDigests)}`
        : `:${pull ? random.pick(repositoryTags) : `v${event}`}`;
      const other = random.chance(0.05);
      auditRows.push({
        projectId: project.id,
        operation: other ? 'delete' : pull ? 'pull' : 'create',
        resourceType: other && random.chance(0.5) ? 'tag' : 'artifact',
        resource: `${name}${reference}`,
        time: now - random.int(0, 90) * DAY - random.int(0, DAY),
      });
    }
    repositoryTags.length = 0;
    repositoryDigests.length = 0;
  }
  // Within a repository, tag names are unique: drop duplicates the random names produced.
  const seenTags = new Set<string>();
  const uniqueTags = tags.filter((tag) => {
    if (indexChildren.has(tag[2] as number)) return false;
    const key = `${tag[1]}:${tag[3]}`;
    if (seenTags.has(key)) return false;
    seenTags.add(key);
    return true;
  });

  await bulkInsert(
    client,
    'repository',
    [
      { name: 'repository_id', type: 'int' },
      { name: 'name', type: 'text' },
      { name: 'project_id', type: 'int' },
      { name: 'pull_count', type: 'int' },
      { name: 'creation_time', type: 'timestamp' },
    ],
    repositories,
  );
  const artifactColumns = [
    { name: 'id', type: 'int' },
    { name: 'project_id', type: 'int' },
    { name: 'repository_name', type: 'text' },
    { name: 'digest', type: 'text' },
    { name: 'type', type: 'text' },
    { name: 'pull_time', type: 'timestamp' },
    { name: 'push_time', type: 'timestamp' },
    { name: 'repository_id', type: 'int' },
    { name: 'media_type', type: 'text' },
    { name: 'manifest_media_type', type: 'text' },
    { name: 'size', type: 'bigint' },
    ...(release === '2.10' ? [] : [{ name: 'artifact_type', type: 'text' }]),
  ];
  await bulkInsert(
    client,
    'artifact',
    artifactColumns,
    release === '2.10' ? artifacts.map((row) => row.slice(0, 11)) : artifacts,
  );
  await bulkInsert(
    client,
    'tag',
    [
      { name: 'id', type: 'int' },
      { name: 'repository_id', type: 'int' },
      { name: 'artifact_id', type: 'int' },
      { name: 'name', type: 'text' },
      { name: 'push_time', type: 'timestamp' },
      { name: 'pull_time', type: 'timestamp' },
    ],
    uniqueTags,
  );
  await bulkInsert(
    client,
    'artifact_reference',
    [
      { name: 'parent_id', type: 'int' },
      { name: 'child_id', type: 'int' },
      { name: 'child_digest', type: 'text' },
      { name: 'platform', type: 'text' },
    ],
    references,
  );
  await bulkInsert(
    client,
    'artifact_accessory',
    [
      { name: 'artifact_id', type: 'bigint' },
      { name: 'subject_artifact_id', type: 'bigint' },
      { name: 'type', type: 'text' },
      { name: 'size', type: 'bigint' },
      { name: 'digest', type: 'text' },
      { name: 'subject_artifact_digest', type: 'text' },
      { name: 'subject_artifact_repo', type: 'text' },
    ],
    accessories,
  );
  await bulkInsert(
    client,
    'blob',
    [
      { name: 'id', type: 'int' },
      { name: 'digest', type: 'text' },
      { name: 'content_type', type: 'text' },
      { name: 'size', type: 'bigint' },
    ],
    blobs,
  );
  await bulkInsert(
    client,
    'project_blob',
    [
      { name: 'project_id', type: 'int' },
      { name: 'blob_id', type: 'int' },
    ],
    [...projectBlobs].map((key) => key.split(':').map(Number)),
  );
  const seenArtifactBlobs = new Set<string>();
  await bulkInsert(
    client,
    'artifact_blob',
    [
      { name: 'digest_af', type: 'text' },
      { name: 'digest_blob', type: 'text' },
    ],
    artifactBlobs.filter((row) => {
      const key = `${row[0]}|${row[1]}`;
      if (seenArtifactBlobs.has(key)) return false;
      seenArtifactBlobs.add(key);
      return true;
    }),
  );
  await bulkInsert(
    client,
    'scan_report',
    [
      'uuid',
      'digest',
      'registration_uuid',
      'mime_type',
      'critical_cnt',
      'high_cnt',
      'medium_cnt',
      'low_cnt',
      'none_cnt',
      'unknown_cnt',
      'fixable_cnt',
    ].map((name, index) => ({ name, type: index < 4 ? 'text' : 'bigint' })),
    scanReports,
  );

  // Quotas as Harbor keeps them: reference_id is the project id as text; -1 means no limit.
  await bulkInsert(
    client,
    'quota',
    [
      { name: 'reference', type: 'text' },
      { name: 'reference_id', type: 'text' },
      { name: 'hard', type: 'jsonb' },
    ],
    live.map((project) => [
      'project',
      String(project.id),
      JSON.stringify({ storage: random.chance(0.5) ? -1 : random.int(1, 100) * 1_000_000_000 }),
    ]),
  );
  await client.query(`
    INSERT INTO quota_usage (reference, reference_id, used)
    SELECT 'project', p.project_id::text, jsonb_build_object('storage', coalesce(sum(b.size), 0))
    FROM project p LEFT JOIN project_blob pb ON pb.project_id = p.project_id
    LEFT JOIN blob b ON b.id = pb.blob_id AND b.content_type <> '${FOREIGN_LAYER_TYPE}'
    WHERE NOT p.deleted GROUP BY p.project_id`);

  // Audit rows: in audit_log before 2.13; from 2.13 the newer third goes to audit_log_ext, as after an upgrade.
  // Every third event is a robot's (as a CI pipeline pushes and pulls), by the name Harbor logs: its prefix and
  // the stored name; a few are by a robot deleted since.
  auditRows.sort((a, b) => a.time - b.time);
  const split = hasExt ? Math.floor((auditRows.length * 2) / 3) : auditRows.length;
  const auditUser = (index: number) =>
    index % 3 !== 1
      ? 'admin'
      : index % 15 === 1
        ? 'robot$retired+deploy'
        : `robot$${robotStoredName(((index * 7) % robotCount) + 1)}`;
  const toRow = (row: (typeof auditRows)[number], index: number) => [
    row.projectId,
    row.operation,
    row.resourceType,
    row.resource,
    auditUser(index),
    new Date(row.time).toISOString(),
  ];
  const auditColumns = ['project_id', 'operation', 'resource_type', 'resource', 'username', 'op_time'].map(
    (name, index) => ({
      name,
      type: index === 0 ? 'int' : index === 5 ? 'timestamp' : 'text',
    }),
  );
  await bulkInsert(client, 'audit_log', auditColumns, auditRows.slice(0, split).map(toRow));
  if (hasExt) {
    await bulkInsert(
      client,
      'audit_log_ext',
      auditColumns,
      auditRows.slice(split).map((row, index) => toRow(row, split + index)),
    );
    // Events Harbor recorded as failed (op_result false): portal logins with a wrong password, and a few
    // refused operations on other resources.
    const failures: unknown[][] = [];
    const failedCount = Math.max(3, Math.ceil(repositoryCount / 10));
    for (let index = 0; index < failedCount; index++) {
      const login = index % 3 !== 2;
      const user = `user-${random.int(1, 20)}`;
      const [operation, resourceType, resource] = login
        ? ['login', 'user', user]
        : random.pick([
            ['delete', 'repository', `${live[0]!.name}/service`],
            ['create', 'robot', 'robot$ci'],
            ['update', 'project', live[0]!.name],
          ]);
      failures.push([
        login ? 0 : live[0]!.id,
        operation,
        resourceType,
        resource,
        user,
        false,
        new Date(now - random.int(0, 30) * DAY - random.int(0, DAY)).toISOString(),
      ]);
    }
    await bulkInsert(
      client,
      'audit_log_ext',
      ['project_id', 'operation', 'resource_type', 'resource', 'username', 'op_result', 'op_time'].map(
        (name, index) => ({
          name,
          type: ['int', 'text', 'text', 'text', 'text', 'bool', 'timestamp'][index]!,
        }),
      ),
      failures,
    );
  }

  // Job executions and their tasks.
  const executions: unknown[][] = [];
  const tasks: unknown[][] = [];
  let executionId = 0;
  const addExecution = (
    kind: string,
    vendorId: number,
    extra: object | null,
    ageMs: number,
    taskExtra: () => object | null = () => null,
  ) => {
    const id = ++executionId;
    const status = random.pick(STATUSES);
    const start = now - ageMs;
    const end = status === 'Running' ? null : new Date(start + random.int(5, 3600) * 1000).toISOString();
    executions.push([
      id,
      kind,
      vendorId,
      status,
      random.pick(['MANUAL', 'SCHEDULE', 'EVENT']),
      extra ? JSON.stringify(extra) : null,
      new Date(start).toISOString(),
      end,
    ]);
    const taskCount = random.int(1, 4);
    for (let task = 0; task < taskCount; task++) {
      const extra = taskExtra();
      tasks.push([
        id,
        `job-${id}-${task}`,
        task === 0 ? status : random.pick(STATUSES),
        0,
        kind,
        extra ? JSON.stringify(extra) : null,
      ]);
    }
  };
  // The newest GC is a dry run: it reports what it would free, which is not what the last GC freed.
  for (const kind of JOB_KINDS) {
    for (let run = 0; run < 5; run++) {
      const gc = kind === 'GARBAGE_COLLECTION';
      addExecution(
        kind,
        gc || kind === 'PURGE_AUDIT_LOG' ? -1 : 0,
        gc
          ? {
              dry_run: run === 4,
              delete_untagged: true,
              freed_space: random.int(0, 10_000) * 1_000_000,
              purged_blobs: random.int(0, 500),
              purged_manifests: random.int(0, 100),
            }
          : null,
        (5 - run) * DAY + random.int(0, 3600_000),
      );
    }
  }
  // Tag retention policies of a few projects (vendor_id is the policy); each task, one per repository, records
  // how many artifacts it looked at and how many it kept. The newest run of the last policy is a dry run.
  const retentionPolicies = live.slice(0, Math.min(3, live.length)).map((project, index) => ({
    id: index + 1,
    project,
  }));
  for (const policy of retentionPolicies) {
    for (let run = 0; run < 3; run++) {
      addExecution(
        'RETENTION',
        policy.id,
        { dry_run: run === 2 && policy.id === retentionPolicies.length, operator: 'admin' },
        (3 - run) * DAY + random.int(0, 3600_000),
        () => {
          const total = random.int(0, 40);
          return { repository: `${policy.project.name}/service`, total, retained: random.int(0, total) };
        },
      );
    }
  }
  // Harbor keeps the last scan execution of each artifact.
  for (const artifact of artifacts) {
    if (random.chance(0.3)) addExecution('IMAGE_SCAN', artifact[0] as number, null, random.int(1, 30) * DAY);
  }
  const registryRows = [
    [1, 'dockerhub', 'https://hub.docker.com', 'docker-hub', 'healthy'],
    [2, 'dr-site', 'https://harbor-dr.example.com', 'harbor', 'unhealthy'],
  ];
  await bulkInsert(
    client,
    'registry',
    ['id', 'name', 'url', 'type', 'health'].map((name, index) => ({
      name,
      type: index === 0 ? 'int' : 'text',
    })),
    registryRows,
  );
  // Harbor stores the trigger as JSON text: {"type": "manual" | "scheduled" | "event_based", ...}.
  const scheduled = JSON.stringify({ type: 'scheduled', trigger_settings: { cron: '0 0 */6 * * *' } });
  const policies = [
    [1, 'mirror-to-dr', 2, true, JSON.stringify({ type: 'event_based' })],
    [2, 'pull-base-images', 1, true, scheduled],
    [3, 'old-policy', 2, false, JSON.stringify({ type: 'manual' })],
  ];
  await bulkInsert(
    client,
    'replication_policy',
    [
      { name: 'id', type: 'int' },
      { name: 'name', type: 'text' },
      { name: 'dest_registry_id', type: 'int' },
      { name: 'enabled', type: 'bool' },
      { name: 'trigger', type: 'text' },
    ],
    policies,
  );
  for (const policy of policies) {
    for (let run = 0; run < 3; run++) addExecution('REPLICATION', policy[0] as number, null, (3 - run) * DAY);
  }
  await bulkInsert(
    client,
    'execution',
    ['id', 'vendor_type', 'vendor_id', 'status', 'trigger', 'extra_attrs', 'start_time', 'end_time'].map(
      (name, index) => ({
        name,
        type: ['int', 'text', 'int', 'text', 'text', 'json', 'timestamp', 'timestamp'][index]!,
      }),
    ),
    executions,
  );
  await bulkInsert(
    client,
    'task',
    ['execution_id', 'job_id', 'status', 'status_code', 'vendor_type', 'extra_attrs'].map((name, index) => ({
      name,
      type: index === 0 || index === 3 ? 'int' : index === 5 ? 'json' : 'text',
    })),
    tasks,
  );
  await bulkInsert(
    client,
    'retention_policy',
    ['id', 'scope_level', 'scope_reference', 'trigger_kind', 'data'].map((name, index) => ({
      name,
      type: index === 0 || index === 2 ? 'int' : 'text',
    })),
    retentionPolicies.map((policy) => [policy.id, 'project', policy.project.id, 'Schedule', '{"rules":[]}']),
  );

  // Robots: system (project 0) and project robots; some never expire (-1), some expired, some disabled.
  const robots: unknown[][] = [];
  for (let id = 1; id <= robotCount; id++) {
    const project = robotProject(id);
    const expires = id % 4 === 0 ? -1 : Math.floor(now / 1000) + random.int(-30, 90) * 86_400;
    robots.push([id, robotStoredName(id), project?.id ?? 0, expires, id % 5 === 0, true]);
  }
  // Scan jobs create short-lived robots that Harbor hides (visible = false).
  for (let id = robotCount + 1; id <= robotCount + 2; id++) {
    robots.push([id, `robot$scan-job-${id}`, live[0]!.id, Math.floor(now / 1000) - 3600, false, false]);
  }
  await bulkInsert(
    client,
    'robot',
    ['id', 'name', 'project_id', 'expiresat', 'disabled', 'visible'].map((name, index) => ({
      name,
      type: ['int', 'text', 'int', 'bigint', 'bool', 'bool'][index]!,
    })),
    robots,
  );
  await bulkInsert(
    client,
    'scanner_registration',
    ['uuid', 'url', 'name', 'auth', 'is_default'].map((name, index) => ({
      name,
      type: index === 4 ? 'bool' : 'text',
    })),
    [
      [DEFAULT_SCANNER, 'http://harbor-trivy:8080', 'Trivy', '', true],
      [OLD_SCANNER, 'http://clair-adapter:8080', 'Clair', '', false],
    ],
  );
  // Exported CVE reports and similar files Harbor stores itself; its statistics add their size.
  await bulkInsert(
    client,
    'system_artifact',
    ['repository', 'digest', 'size', 'vendor', 'type'].map((name, index) => ({
      name,
      type: index === 2 ? 'bigint' : 'text',
    })),
    [
      ['scandata_export_1', `sha256:${random.hex(64)}`, 1_234_567, 'SCAN_DATA_EXPORT', 'ScanData_CSV'],
      ['scandata_export_2', `sha256:${random.hex(64)}`, 7_654_321, 'SCAN_DATA_EXPORT', 'ScanData_CSV'],
    ],
  );
  // Serial columns were given explicit ids: move their sequences past them, as Harbor's would be.
  await client.query(`
    DO $$ DECLARE t text; BEGIN
      FOREACH t IN ARRAY ARRAY['project:project_id','repository:repository_id','artifact:id','tag:id','blob:id','execution:id','robot:id','registry:id','replication_policy:id','retention_policy:id'] LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), (SELECT coalesce(max(%I), 0) + 1 FROM %I), false)',
          split_part(t, ':', 1), split_part(t, ':', 2), split_part(t, ':', 2), split_part(t, ':', 1));
      END LOOP; END $$`);
  await client.query('ANALYZE');

  return {
    projects: live.length,
    deletedProjects,
    repositories: repositoryCount,
    artifacts: artifacts.length,
    tags: uniqueTags.length,
    blobs: blobs.length,
    auditRows: auditRows.length,
    executions: executions.length,
    robots: robots.length,
  };
}

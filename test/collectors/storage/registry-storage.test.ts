import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registryStorageCollector } from '../../../src/collectors/storage/registry-storage.js';
import { KubernetesApi } from '../../../src/sources/kubernetes/kubernetes-api.js';
import { KubernetesRegistryStorage } from '../../../src/sources/kubernetes/registry-storage.js';
import { LocalRegistryStorage } from '../../../src/sources/storage/local-storage.js';
import { RegistryStorageSource } from '../../../src/sources/storage/storage-source.js';
import { collectOnce, pointValue, startTestExporter, testConfig } from '../../harness/exporter.js';
import { valueOf } from '../../harness/prometheus-text.js';
import { harborPod, installHarborChart } from '../../harness/fake-kubernetes/harbor-chart.js';
import {
  EXEC_SUCCESS,
  execExitStatus,
  FakeKubernetes,
  type ExecRequest,
} from '../../harness/fake-kubernetes/server.js';
import { unlistedRequests } from '../../harness/fake-kubernetes/listed-calls.js';

const namespace = 'harbor';
const release = { namespace, release: 'harbor', fullname: 'harbor' };
const KIB = 1024;

/** df -P -k as GNU coreutils prints it. */
const COREUTILS = `Filesystem     1024-blocks      Used Available Capacity Mounted on
/dev/sdb         103081248  41232896  56589088      43% /storage
`;
/** The same volume from busybox df -P -k: other column widths. */
const BUSYBOX = `Filesystem           1024-blocks    Used Available Capacity Mounted on
/dev/sdb             103081248 41232896  56589088  43% /storage
`;
/** A long device name on a line of its own, the figures on the next, as some df builds print it. */
const WRAPPED = `Filesystem           1024-blocks    Used Available Capacity Mounted on
fs-0123456789abcdef.efs.eu-west-1.amazonaws.com:/harbor/registry
                      9007199254739968 1048576 9007199253691392   0% /storage
`;

function storageFigures(points: Awaited<ReturnType<typeof collectOnce>>) {
  return {
    size: pointValue(points, 'harbor_registry_storage_size_bytes'),
    used: pointValue(points, 'harbor_registry_storage_used_bytes'),
    available: pointValue(points, 'harbor_registry_storage_available_bytes'),
  };
}

describe('registry storage through df in the registry pod', () => {
  let fake: FakeKubernetes;
  let execs: ExecRequest[];
  let source: RegistryStorageSource;

  before(async () => {
    fake = await FakeKubernetes.start();
    installHarborChart(fake, {
      namespace,
      release: 'harbor',
      database: { host: 'db', port: 5432, user: 'postgres', name: 'registry', password: 'unused' },
      storage: { filesystem: '/storage' },
    });
    fake.pods = [
      // Not ready, terminating, and the ready one sorts last: the exporter must pick by state, not by order.
      harborPod({
        namespace,
        release: 'harbor',
        component: 'registry',
        name: 'harbor-registry-a',
        ready: false,
      }),
      harborPod({
        namespace,
        release: 'harbor',
        component: 'registry',
        name: 'harbor-registry-b',
        terminating: true,
      }),
      harborPod({
        namespace,
        release: 'harbor',
        component: 'registry',
        name: 'harbor-registry-c',
        restarts: { registry: 0, registryctl: 0 },
      }),
      harborPod({ namespace, release: 'other', component: 'registry', name: 'other-registry' }),
    ];
    source = new RegistryStorageSource(
      new KubernetesRegistryStorage(new KubernetesApi(fake.kubeConfig(), release)),
    );
  });
  after(() => fake.close());

  const answer = (stdout: string, extra: { stderr?: string; status?: Record<string, unknown> } = {}) => {
    execs = [];
    fake.onExec = (request) => {
      execs.push(request);
      return { stdout, status: EXEC_SUCCESS, ...extra };
    };
  };

  it('runs POSIX df on the root directory in the registry container of the ready pod', async () => {
    answer(COREUTILS);
    const points = await collectOnce(source, registryStorageCollector);
    assert.equal(fake.lastExecProtocol, 'v5.channel.k8s.io');
    assert.deepEqual(execs, [
      { namespace, pod: 'harbor-registry-c', container: 'registry', command: ['df', '-P', '-k', '/storage'] },
    ]);
    assert.deepEqual(storageFigures(points), {
      size: 103081248 * KIB,
      used: 41232896 * KIB,
      available: 56589088 * KIB,
    });
    assert.equal(
      pointValue(points, 'harbor_registry_storage_info', { driver: 'filesystem', directory: '/storage' }),
      1,
    );
  });

  it('reads busybox output and a wrapped long device name alike', async () => {
    answer(BUSYBOX);
    assert.deepEqual(storageFigures(await collectOnce(source, registryStorageCollector)), {
      size: 103081248 * KIB,
      used: 41232896 * KIB,
      available: 56589088 * KIB,
    });
    answer(WRAPPED);
    // An NFS volume of 8 EiB: beyond 2^53 bytes, so compared as the nearest double of the exact product.
    assert.deepEqual(storageFigures(await collectOnce(source, registryStorageCollector)), {
      size: Number(9007199254739968n * 1024n),
      used: 1048576 * KIB,
      available: Number(9007199253691392n * 1024n),
    });
  });

  it('speaks the v4 exec protocol to servers older than Kubernetes 1.30', async () => {
    fake.execProtocols = ['v4.channel.k8s.io'];
    answer(COREUTILS);
    try {
      const points = await collectOnce(source, registryStorageCollector);
      assert.equal(fake.lastExecProtocol, 'v4.channel.k8s.io');
      assert.equal(pointValue(points, 'harbor_registry_storage_used_bytes'), 41232896 * KIB);
    } finally {
      fake.execProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
    }
  });

  it('takes the block size from the header, not from the flag it asked for', async () => {
    answer(COREUTILS.replace('1024-blocks', '512-blocks'));
    assert.equal(
      pointValue(await collectOnce(source, registryStorageCollector), 'harbor_registry_storage_size_bytes'),
      103081248 * 512,
    );
  });

  it('fails with the status and stderr when df exits non-zero', async () => {
    answer('', { stderr: 'df: /storage: No such file or directory\n', status: execExitStatus(1) });
    await assert.rejects(collectOnce(source, registryStorageCollector), (error: Error) => {
      assert.match(error.message, /harbor-registry-c/);
      assert.match(error.message, /exit code 1/);
      assert.match(error.message, /No such file or directory/);
      return true;
    });
  });

  it('rejects output it does not understand instead of guessing', async () => {
    const shapes = [
      '', // nothing
      'Filesystem Size Used Avail Use% Mounted on\n/dev/sdb 99G 40G 54G 43% /storage\n', // human sizes
      COREUTILS + '/dev/sdc 10 5 5 50% /storage2\n', // two filesystems
      COREUTILS.replace('41232896', '41,232,896'), // not a number
      'Filesystem     1024-blocks      Used Available Capacity Mounted on\n', // header alone
    ];
    for (const stdout of shapes) {
      answer(stdout);
      await assert.rejects(collectOnce(source, registryStorageCollector), /df/, JSON.stringify(stdout));
    }
  });

  it('fails when the exec connection closes without a status', async () => {
    answer(COREUTILS, { status: undefined });
    await assert.rejects(collectOnce(source, registryStorageCollector), /closed without a status/);
  });

  it('fails when no registry pod is ready', async () => {
    const pods = fake.pods;
    fake.pods = pods.filter((pod) => (pod.metadata as { name: string }).name !== 'harbor-registry-c');
    answer(COREUTILS);
    try {
      await assert.rejects(collectOnce(source, registryStorageCollector), /no ready registry pod \(of 2\)/);
      assert.deepEqual(execs, []);
    } finally {
      fake.pods = pods;
    }
  });

  it('publishes only the driver for object storage, without exec', async () => {
    installHarborChart(fake, {
      namespace,
      release: 'harbor',
      database: { host: 'db', port: 5432, user: 'postgres', name: 'registry', password: 'unused' },
      storage: { objectStore: 's3' },
    });
    answer(COREUTILS);
    try {
      const points = await collectOnce(source, registryStorageCollector);
      assert.equal(pointValue(points, 'harbor_registry_storage_info', { driver: 's3', directory: '' }), 1);
      assert.equal(points.has('harbor_registry_storage_size_bytes'), false);
      assert.deepEqual(execs, []);
    } finally {
      installHarborChart(fake, {
        namespace,
        release: 'harbor',
        database: { host: 'db', port: 5432, user: 'postgres', name: 'registry', password: 'unused' },
        storage: { filesystem: '/storage' },
      });
    }
  });

  it('made only the API calls of the list', () => {
    assert.deepEqual(unlistedRequests(fake, release), []);
  });
});

describe('registry storage from statfs of a local directory (docker compose)', () => {
  let directory: string;

  before(() => {
    directory = mkdtempSync(join(tmpdir(), 'harbor-registry-storage-'));
    writeFileSync(join(directory, 'blob'), Buffer.alloc(256 * KIB, 1));
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  /** coreutils df in bytes: an independent reading of the same filesystem. */
  function dfBytes(): { size: number; used: number; available: number } {
    const output = execFileSync('df', ['-B1', '--output=size,used,avail', directory], { encoding: 'utf8' });
    const [size, used, available] = output.trim().split('\n')[1]!.trim().split(/\s+/).map(Number);
    return { size: size!, used: used!, available: available! };
  }

  it('equals what df reports for the directory, under the same metric names', async () => {
    const source = new RegistryStorageSource(new LocalRegistryStorage(directory));
    // Other processes write to the same disk: compare at a moment df reads the same before and after.
    for (let attempt = 1; ; attempt++) {
      const first = dfBytes();
      const points = await collectOnce(source, registryStorageCollector);
      const afterwards = dfBytes();
      if (JSON.stringify(first) !== JSON.stringify(afterwards) && attempt < 20) continue;
      assert.deepEqual(storageFigures(points), first);
      assert.equal(
        pointValue(points, 'harbor_registry_storage_info', { driver: 'filesystem', directory }),
        1,
      );
      return;
    }
  });

  it('is what an exporter configured with only storage.local-path publishes, without Kubernetes', async () => {
    const running = await startTestExporter(
      testConfig([`--storage.local-path=${directory}`, '--refresh.interval=1h']),
    );
    try {
      await running.refreshAll();
      const samples = await running.scrape();
      assert.deepEqual(
        running.exporter.runners.map((runner) => runner.source.name),
        ['storage'],
      );
      assert.equal(valueOf(samples, 'harbor_registry_storage_size_bytes'), dfBytes().size);
      assert.equal(valueOf(samples, 'harbor_registry_storage_info', { driver: 'filesystem', directory }), 1);
      assert.equal(
        valueOf(samples, 'harbor_exporter_collector_success', {
          source: 'storage',
          collector: 'registry-storage',
        }),
        1,
      );
    } finally {
      await running.stop();
    }
  });

  it('fails with the path when the directory is missing', async () => {
    const source = new RegistryStorageSource(new LocalRegistryStorage(join(directory, 'missing')));
    await assert.rejects(collectOnce(source, registryStorageCollector), /statfs .*missing: ENOENT/);
  });
});

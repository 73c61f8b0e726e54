import type { HarborApiSettings } from '../../src/config/config.js';
import {
  DEFAULT_ACCOUNT,
  HarborApiSimulator,
  type SimulatorAccount,
  type SimulatorAnswer,
} from '../../src/demo/harbor-api-simulator/simulator.js';
import type { SyntheticHarborOptions } from '../../src/demo/synthetic-harbor.js';
import { silentLogger, type Logger } from '../../src/log.js';
import { HarborApiSource, fixedHarborApiSettings } from '../../src/sources/harbor-api/harbor-api-source.js';
import { createHarborDatabase, type HarborTestDatabase } from './postgres.js';
import { ContractRecorder } from './swagger-contract.js';

export interface SimulatedHarbor {
  db: HarborTestDatabase;
  simulator: HarborApiSimulator;
  /** Every answer checked against Harbor's API description; call contract.assertClean(t) at the end. */
  contract: ContractRecorder;
  /** Every answer the simulator gave, in order. */
  answers: SimulatorAnswer[];
  /** Exporter settings for the simulator, as the admin account unless overridden. */
  settings(overrides?: Partial<HarborApiSettings>): HarborApiSettings;
  /** Command-line flags for an exporter reading both the database and the simulator, as the admin account. */
  exporterFlags(): string[];
  source(overrides?: Partial<HarborApiSettings>, log?: Logger): HarborApiSource;
  stop(): Promise<void>;
}

/** A synthetic Harbor database and a simulator answering from it, with the contract recorder attached. */
export async function startSimulatedHarbor(
  options: SyntheticHarborOptions & {
    accounts?: readonly SimulatorAccount[];
    contract?: ContractRecorder;
  } = {},
): Promise<SimulatedHarbor> {
  const db = await createHarborDatabase(options);
  const simulator = await HarborApiSimulator.start({
    database: db.server.clientConfig(db.name),
    accounts: options.accounts ?? [DEFAULT_ACCOUNT, { ...READ_ONLY_ROBOT }],
  });
  const contract = options.contract ?? new ContractRecorder();
  const answers: SimulatorAnswer[] = [];
  simulator.onAnswer = (answer) => {
    answers.push(answer);
    contract.record(answer);
  };
  const sources: HarborApiSource[] = [];
  const settings = (overrides: Partial<HarborApiSettings> = {}): HarborApiSettings => ({
    url: simulator.url,
    username: DEFAULT_ACCOUNT.username,
    password: DEFAULT_ACCOUNT.password,
    insecureSkipVerify: false,
    requestTimeoutMs: 10_000,
    maxConcurrency: 4,
    maxResponseBytes: 2_097_152,
    maxListItems: 50_000,
    ...overrides,
  });
  return {
    db,
    simulator,
    contract,
    answers,
    settings,
    exporterFlags: () => [
      `--database.url=${db.server.url(db.name)}`,
      `--harbor.url=${simulator.url}`,
      `--harbor.username=${DEFAULT_ACCOUNT.username}`,
      `--harbor.password=${DEFAULT_ACCOUNT.password}`,
    ],
    source(overrides, log = silentLogger) {
      const source = new HarborApiSource(fixedHarborApiSettings(settings(overrides)), log);
      sources.push(source);
      return source;
    },
    async stop() {
      await Promise.all(sources.map((source) => source.close()));
      await simulator.close();
      await db.drop();
    },
  };
}

/** The robot account the docs recommend: read access to what the exporter reads, nothing else. */
export const READ_ONLY_ROBOT: SimulatorAccount = {
  username: 'robot$harbor-exporter',
  password: 'Robot-Secret-1',
  permissions: [
    'project',
    'repository',
    'quota',
    'replication',
    'replication-policy',
    'registry',
    'garbage-collection',
    'scan-all',
    'jobservice-monitor',
    'system-volumes',
  ],
};

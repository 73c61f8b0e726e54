import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { compatibilitySetNames } from '../../src/catalog/types.js';
import { config, configError, parse, scratchFolder } from './fixtures.js';

const scratch = scratchFolder('flags');
after(scratch.remove);

describe('list flags', () => {
  it('accumulates a repeated list flag, in order, with commas inside each', () => {
    const built = config([
      '--compat=seed',
      '--compat',
      'harbor',
      '--projects.include=a*',
      '--projects.include=b,c',
    ]);
    assert.deepEqual([...built.compat], ['seed', 'harbor']);
    assert.deepEqual(built.projectsInclude, ['a*', 'b', 'c']);
    assert.deepEqual([...config(['--compat=seed', '--compat=seed']).compat], ['seed']);
  });

  it('replaces the environment and the file with the flags, as for any setting', () => {
    const file = scratch.write('compat: [seed]\nprojects:\n  include: [x, y]\n');
    const fromFile = config([`--config.file=${file}`]);
    assert.deepEqual([...fromFile.compat], ['seed']);
    assert.deepEqual(fromFile.projectsInclude, ['x', 'y']);
    const both = parse(['--compat=harbor'], {
      HARBOR_EXPORTER_COMPAT: 'seed',
      HARBOR_EXPORTER_CONFIG_FILE: file,
    });
    assert.deepEqual(both.values.get('compat'), { value: ['harbor'], origin: 'flag --compat' });
  });

  it('names every compatibility set the catalog has when a set is unknown', () => {
    const error = configError(() => config(['--compat=seed', '--compat=prom']));
    assert.equal(error.setting, 'compat');
    assert.match(error.message, new RegExp(`"prom" is not one of ${compatibilitySetNames.join(', ')}$`));
  });

  it('refuses any other flag given twice, and a secret given both inline and as a file', () => {
    const twice = configError(() => config(['--log.level=debug', '--log.level=info']));
    assert.equal(twice.setting, 'log.level');
    assert.match(twice.message, /given more than once/);
    const collector = configError(() => config(['--collector.tags', '--no-collector.tags']));
    assert.equal(collector.setting, 'collector.tags');
    const secret = scratch.write('pw\n');
    const both = configError(() => config(['--database.password=x', `--database.password-file=${secret}`]));
    assert.equal(both.setting, 'database.password-file');
    assert.match(both.message, /given together with --database\.password/);
    assert.ok(!both.message.includes('pw'), both.message);
  });
});

describe('unknown flags', () => {
  it('says a flag is unknown rather than that it needs a value, and suggests the nearest', () => {
    const cases: Array<[string, RegExp]> = [
      ['--bogus', /unknown setting: there is no flag --bogus; see --help$/],
      [
        '--refresh.intervall=30s',
        /there is no flag --refresh\.intervall; did you mean --refresh\.interval\?$/,
      ],
      ['--interval=30s', /did you mean --refresh\.interval or --otlp\.interval\?$/],
      ['--databse.host=db', /did you mean --database\.host\?$/],
      ['--print-confg', /did you mean --print-config\?$/],
      ['-x', /there is no flag -x/],
    ];
    for (const [flag, expected] of cases) {
      const error = configError(() => parse([flag]));
      assert.equal(error.origin, `flag ${flag.split('=')[0]}`);
      assert.match(error.message, expected, flag);
    }
    assert.match(configError(() => parse(['--log.level'])).message, /needs a value/);
  });

  it('suggests the nearest setting for a mistyped key in the YAML file, and the nearest collector', () => {
    const file = scratch.write('refresh:\n  intervall: 1m\n');
    const error = configError(() => parse([`--config.file=${file}`]));
    assert.equal(error.setting, 'refresh.intervall');
    assert.match(error.message, /unknown setting; did you mean refresh\.interval\?$/);
    assert.match(configError(() => parse(['--collector.tag'])).message, /did you mean tags\?/);
  });

  it('exits 2 with one line for an unknown flag', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--bogus', 'value'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
      timeout: 60_000,
    });
    assert.equal(result.status, 2);
    assert.equal(
      result.stderr,
      'harbor-exporter: invalid setting bogus (from flag --bogus): unknown setting: there is no flag --bogus; see --help\n',
    );
  });
});

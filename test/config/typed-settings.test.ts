import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompatibilitySet } from '../../src/catalog/types.js';
import { settingValue } from '../../src/config/load.js';
import { settings, type SettingSpec, type SettingValueOf } from '../../src/config/settings.js';
import { parse } from './fixtures.js';

/** The JavaScript type the loader must give a value of each setting type, written out independently of it. */
const runtimeType: Record<SettingSpec['type'], string> = {
  string: 'string',
  url: 'string',
  enum: 'string',
  int: 'number',
  duration: 'number',
  bool: 'boolean',
  list: 'array',
};

describe('typed settings', () => {
  it('gives every setting with a default, and every list, a value of the type its row declares', () => {
    const values = parse([]).values;
    for (const spec of settings) {
      const value = values.get(spec.key)?.value;
      if (spec.default === undefined && spec.type !== 'list') {
        assert.equal(value, undefined, spec.key);
        continue;
      }
      assert.equal(Array.isArray(value) ? 'array' : typeof value, runtimeType[spec.type], spec.key);
      if (spec.type === 'enum') assert.ok(spec.choices?.includes(String(value)), spec.key);
    }
  });

  it('types a value from its key alone, as the compiler checks here', () => {
    const values = parse(['--database.host=db', '--compat=harbor']).values;
    const port: number = settingValue(values, 'database.port');
    const host: string | undefined = settingValue(values, 'database.host');
    const sslmode: 'disable' | 'require' | 'verify-ca' | 'verify-full' = settingValue(
      values,
      'database.sslmode',
    );
    const compat: readonly CompatibilitySet[] = settingValue(values, 'compat');
    const include: readonly string[] = settingValue(values, 'projects.include');
    // @ts-expect-error a setting without a default may be absent
    const required: string = settingValue(values, 'database.host');
    // @ts-expect-error an int is a number
    const text: string = settingValue(values, 'tags.top');
    // @ts-expect-error only keys of the table exist
    settingValue(values, 'database.hostname');
    // @ts-expect-error sslmode is one of its choices
    const anyMode: SettingValueOf<'database.sslmode'> = 'prefer';
    assert.deepEqual(
      [port, host, sslmode, compat, include, required, text, anyMode],
      [5432, 'db', 'disable', ['harbor'], [], 'db', 20, 'prefer'],
    );
  });
});

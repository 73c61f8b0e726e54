import { isListedCall, type HarborRelease } from '../../../src/sources/kubernetes/api-calls.js';
import type { FakeKubernetes, RecordedRequest } from './server.js';

/**
 * Requests the fake received that the exporter's list of API calls (and so the chart's Role) does not allow.
 * Tests assert this is empty: a call added to the code without being listed fails them.
 */
export function unlistedRequests(
  fake: FakeKubernetes,
  release: HarborRelease,
  externalDatabaseSecret?: string,
): RecordedRequest[] {
  return fake.requests.filter(
    (request) =>
      request.verb === 'other' ||
      !isListedCall({ ...request, verb: request.verb }, release, externalDatabaseSecret),
  );
}

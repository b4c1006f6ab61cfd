import type { StreamConsumer } from './stream-poller';

/**
 * The stream consumers the local runtime runs: the local twin of the CDK stack's DynamoDB event
 * source mappings (same batch size, filters, retries, bisect and failure destination). Loaded after
 * the environment is set, so a consumer may import its module's handler here.
 *
 * None yet: the audit log and the daily metrics consumers register here when they exist, e.g.
 *   { name: 'audit', handler: (await import('../functions/audit/stream-handler')).handler,
 *     batchSize: 100, maxRetries: 5, bisectOnError: true }
 */
export async function localStreamConsumers(): Promise<StreamConsumer[]> {
  return [];
}

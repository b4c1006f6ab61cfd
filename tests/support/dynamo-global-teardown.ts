import type { RunningDynamo } from '../../local/dynamodb';

export default async function teardown(): Promise<void> {
  await ((globalThis as Record<string, unknown>).__DYNAMO__ as RunningDynamo | undefined)?.stop();
}

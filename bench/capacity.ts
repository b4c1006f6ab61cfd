import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Bench-only: asks DynamoDB for `ReturnConsumedCapacity: TOTAL` on every request of the given
 * (shared) document client and records each request's operation and consumed read and write units.
 * Production code never asks for capacity; this middleware is added by the bench and the
 * request-count test only. Only requests made inside {@link measured} are recorded, so work that runs
 * meanwhile in the same process (the local approvals workflow, fixtures) is not counted.
 */
export interface SentRequest {
  operation: string;
  /** Read request units (on-demand) consumed; strongly consistent 4 KB = 1, transactional 4 KB = 2. */
  readUnits: number;
  /** Write request units consumed; 1 KB = 1, transactional 1 KB = 2. */
  writeUnits: number;
}

interface Consumed {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

function unitsOf(operation: string, consumed: Consumed | Consumed[] | undefined): Pick<SentRequest, 'readUnits' | 'writeUnits'> {
  let readUnits = 0;
  let writeUnits = 0;
  for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
    if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
      readUnits += c.ReadCapacityUnits ?? 0;
      writeUnits += c.WriteCapacityUnits ?? 0;
    } else if (READS.has(operation)) readUnits += c.CapacityUnits ?? 0;
    else writeUnits += c.CapacityUnits ?? 0;
  }
  return { readUnits, writeUnits };
}

const scope = new AsyncLocalStorage<true>();

/** Runs `fn`, recording the DynamoDB requests it makes (and only those). */
export function measured<T>(fn: () => Promise<T>): Promise<T> {
  return scope.run(true, fn);
}

const installedOn = new WeakSet<object>();
const sent: SentRequest[] = [];

export function recordCapacity(client: DynamoDBDocumentClient): { reset(): void; requests(): SentRequest[] } {
  if (!installedOn.has(client)) {
    installedOn.add(client);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (!scope.getStore()) return next(args);
        const operation = String((context as { __smithy_context?: { operation?: string } }).__smithy_context?.operation ?? context.commandName);
        (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        sent.push({ operation, ...unitsOf(operation, (result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity) });
        return result;
      },
      { step: 'initialize', name: 'benchConsumedCapacity' },
    );
  }
  return { reset: () => void sent.splice(0), requests: () => sent.map((r) => ({ ...r })) };
}

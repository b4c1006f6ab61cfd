import { documentClient } from '../../functions/shared/db';

/**
 * Counts the DynamoDB requests the shared document client sends, by command name, so tests can
 * hold every route to its access pattern's request budget.
 */
const sent: string[] = [];
let installed = false;

export function countRequests(): { reset(): void; commands(): string[] } {
  if (!installed) {
    documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(String((context as { __smithy_context?: { operation?: string } }).__smithy_context?.operation ?? context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'requestCounter' },
    );
    installed = true;
  }
  return { reset: () => void sent.splice(0), commands: () => [...sent] };
}

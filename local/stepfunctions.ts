import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { readJsonFile, writeFileAtomic } from './paths';

/**
 * A local Step Functions endpoint (docs/architecture.md#local-runtime): the AWS JSON 1.0 protocol of the calls the handlers
 * make through the real `@aws-sdk/client-sfn` (StartExecution, DescribeExecution, ListExecutions,
 * StopExecution, SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat), running the state machine
 * definitions rendered by the CDK constructs with aws-local-stepfunctions.
 *
 * What the library leaves to us, done the way Step Functions does it:
 * - Lambda task resources (`<function ARN>`, `arn:aws:states:::lambda:invoke[.waitForTaskToken]`)
 *   call the local handlers in-process;
 * - `.waitForTaskToken`: every wait gets a token of its own (the library's `$$.Task.Token` is one
 *   value per execution), handed to the function in place of the context's token; the task then
 *   waits for SendTaskSuccess / SendTaskFailure with it;
 * - task timeouts of waiting tasks run on the runtime's controllable clock (`POST /local/clock`),
 *   with the deadline fixed when the wait begins (the library's own real-time timer stays as a
 *   backstop);
 * - executions survive a restart: each is a JSON file under `<data dir>/stepfunctions/`, holding the
 *   state it last entered with that state's input, and the token and deadline of a wait. On start a
 *   running execution resumes at that state; a wait resumes with the same token and deadline,
 *   without invoking its function again.
 */

export type LocalLambda = (event: unknown, functionArn: string) => Promise<unknown>;

export interface LocalStateMachine {
  arn: string;
  definition: Record<string, unknown>;
}

export interface LocalStepFunctionsOptions {
  port?: number;
  /** Where executions are kept (`<data dir>/stepfunctions`). */
  stateDir: string;
  stateMachines: LocalStateMachine[];
  /** Runs a Lambda function by ARN (the local handlers). */
  invoke: LocalLambda;
  /** The controllable clock (ms since the epoch). */
  clock: () => number;
  log?: (line: string) => void;
  /** How often waits look at the clock. */
  clockPollMs?: number;
}

export interface LocalStepFunctions {
  endpoint: string;
  /** Resumes the executions that were running when the runtime stopped. */
  resume(): void;
  describe(executionArn: string): ExecutionRecord | undefined;
  /** Running executions and open waits (for the health page and tests). */
  stats(): { running: number; waiting: number };
  stop(): Promise<void>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  /** The state last entered and its raw input: where a restart resumes. */
  position?: { state: string; input: Json };
  /** The callback a task waits for. */
  waiting?: { state: string; token: string; deadline: number };
}

class SfnError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = code;
  }
}

class TaskFailure extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Stands for `$$.Task.Token` in the library's context; swapped for a fresh token per wait. */
const TOKEN_PLACEHOLDER = `local-task-token-${randomUUID()}`;
const WAIT_SUFFIX = '.waitForTaskToken';
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

function replaceDeep(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, from, to));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, from, to)]));
  return value;
}

/** `$.a.b` of a value (the reference paths a `TimeoutSecondsPath` uses). */
function pathValue(value: unknown, path: string): unknown {
  if (!path.startsWith('$')) return undefined;
  let current: unknown = value;
  for (const part of path.slice(1).split('.').filter(Boolean)) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

const executionArnOf = (stateMachineArn: string, name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

export async function startLocalStepFunctions(options: LocalStepFunctionsOptions): Promise<LocalStepFunctions> {
  const log = options.log ?? (() => undefined);
  const pollMs = options.clockPollMs ?? 200;
  const machines = new Map(options.stateMachines.map((m) => [m.arn, m]));
  for (const machine of machines.values()) new StateMachine(machine.definition as unknown as StateMachineDefinition); // validates
  mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });

  const executions = new Map<string, ExecutionRecord>();
  const aborts = new Map<string, () => void>();
  const callbacks = new Map<string, { succeed: (output: Json) => void; fail: (error: TaskFailure) => void; executionArn: string }>();
  const finishedTokens = new Set<string>();
  /** Results sent for the token of a persisted wait before its execution resumed: delivered on resume. */
  const early = new Map<string, { output: Json } | { error: TaskFailure }>();
  /** Ends every wait in progress (stop): timers cleared, nothing persisted. */
  const cancels = new Set<() => void>();
  let stopping = false;

  const fileOf = (record: ExecutionRecord) => join(options.stateDir, `${encodeURIComponent(record.name)}.${encodeURIComponent(record.stateMachineArn.split(':').pop()!)}.json`);
  const persist = (record: ExecutionRecord) => {
    if (!stopping) writeFileAtomic(fileOf(record), JSON.stringify(record));
  };

  for (const file of existsSync(options.stateDir) ? readdirSync(options.stateDir) : []) {
    if (!file.endsWith('.json')) continue;
    const record = readJsonFile<ExecutionRecord>(join(options.stateDir, file));
    if (record?.executionArn) executions.set(record.executionArn, record);
  }

  async function callLambda(functionArn: string, payload: unknown): Promise<unknown> {
    try {
      return await options.invoke(payload, functionArn);
    } catch (error) {
      // Lambda reports a function error by its errorType (the error's name).
      const name = error instanceof Error ? error.name : 'Error';
      throw new TaskFailure(name, error instanceof Error ? error.message : String(error));
    }
  }

  /** The handler of one Task state, for one run of an execution. */
  function taskHandler(record: ExecutionRecord, stateName: string, state: Record<string, unknown>, resumeWait: { pending: boolean }) {
    const resource = String(state.Resource);
    return async (input: unknown): Promise<Json> => {
      // Once stopping, nothing runs: the aborted execution unwinds (retries and catches fail at once)
      // and its file keeps the state to resume from.
      if (stopping) throw new TaskFailure('Local.Stopped', 'The local runtime is stopping');
      if (resource.startsWith('arn:aws:lambda:')) return (await callLambda(resource, input)) as Json;
      if (!resource.startsWith(LAMBDA_INVOKE)) throw new TaskFailure('States.Runtime', `The local runtime cannot run ${resource}`);
      const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
      if (!resource.endsWith(WAIT_SUFFIX)) {
        const result = await callLambda(FunctionName, Payload);
        return { ExecutedVersion: '$LATEST', Payload: result as Json, StatusCode: 200 };
      }
      return waitForCallback(record, stateName, state, input, FunctionName, Payload, resumeWait);
    };
  }

  async function waitForCallback(
    record: ExecutionRecord,
    stateName: string,
    state: Record<string, unknown>,
    input: unknown,
    functionArn: string,
    payload: unknown,
    resumeWait: { pending: boolean },
  ): Promise<Json> {
    const resumed = resumeWait.pending && record.waiting?.state === stateName ? record.waiting : undefined;
    resumeWait.pending = false;
    let waiting = resumed;
    if (!waiting) {
      const timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : Number(pathValue(input, String(state.TimeoutSecondsPath ?? '')));
      const timeoutMs = Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? timeoutSeconds * 1000 : 99_999_999_000;
      waiting = { state: stateName, token: `AQ${randomBytes(48).toString('base64url')}`, deadline: options.clock() + timeoutMs };
    }
    const { token, deadline } = waiting;
    let timer: NodeJS.Timeout | undefined;
    let cancel = () => undefined as void;
    const settled = new Promise<Json>((resolve, reject) => {
      callbacks.set(token, { succeed: resolve, fail: reject, executionArn: record.executionArn });
      const delivered = early.get(token);
      early.delete(token);
      if (delivered && 'output' in delivered) resolve(delivered.output);
      else if (delivered) reject(delivered.error);
      cancel = () => reject(new TaskFailure('Local.Stopped', 'The local runtime is stopping'));
      const check = () => {
        if (options.clock() >= deadline) reject(new TaskFailure('States.Timeout', 'The task timed out'));
        else timer = setTimeout(check, pollMs);
      };
      check();
    });
    cancels.add(cancel);
    settled.catch(() => undefined);
    record.waiting = waiting;
    persist(record);
    try {
      if (!resumed) await callLambda(functionArn, replaceDeep(payload, TOKEN_PLACEHOLDER, token));
      if (stopping) throw new TaskFailure('Local.Stopped', 'The local runtime is stopping');
      return await settled;
    } finally {
      clearTimeout(timer);
      cancels.delete(cancel);
      callbacks.delete(token);
      finishedTokens.add(token);
      if (record.waiting?.token === token) record.waiting = undefined;
      persist(record);
    }
  }

  function run(record: ExecutionRecord, from?: { state: string; input: Json }): void {
    const machine = machines.get(record.stateMachineArn)!;
    const definition = { ...machine.definition, ...(from ? { StartAt: from.state } : {}) } as unknown as StateMachineDefinition;
    const resumeWait = { pending: Boolean(from && record.waiting) };
    const handlers: Record<string, (input: never) => Promise<Json>> = {};
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type === 'Task') handlers[name] = taskHandler(record, name, state as unknown as Record<string, unknown>, resumeWait);
    }
    const stateMachine = new StateMachine(definition);
    const execution = stateMachine.run((from ? from.input : JSON.parse(record.input)) as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: record.executionArn, Name: record.name, StartTime: new Date(record.startDate).toISOString() },
        StateMachine: { Id: record.stateMachineArn },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
    });
    aborts.set(record.executionArn, execution.abort);
    void (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === 'StateEntered' && event.index === undefined) {
          record.position = { state: event.state.name, input: event.state.input as Json };
          persist(record);
        }
      }
    })().catch(() => undefined);
    execution.result.then(
      (output) => {
        aborts.delete(record.executionArn);
        if (stopping || record.status !== 'RUNNING') return;
        Object.assign(record, { status: 'SUCCEEDED', stopDate: Date.now(), output: JSON.stringify(output) });
        delete record.waiting;
        persist(record);
      },
      (error: unknown) => {
        aborts.delete(record.executionArn);
        if (stopping || record.status !== 'RUNNING') return;
        const cause = error instanceof Error ? ((error as { cause?: unknown }).cause ?? error) : error;
        const name = cause instanceof Error ? cause.name : 'States.Runtime';
        const message = cause instanceof Error ? cause.message : String(cause);
        Object.assign(record, { status: name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED', stopDate: Date.now(), error: name, cause: message });
        delete record.waiting;
        persist(record);
        log(`[stepfunctions] ${record.name} failed: ${name}: ${message}`);
      },
    );
  }

  // --- the API -------------------------------------------------------------------------------

  function describe(record: ExecutionRecord) {
    return {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: seconds(record.startDate),
      ...(record.stopDate === undefined ? {} : { stopDate: seconds(record.stopDate) }),
      input: record.input,
      inputDetails: { included: true },
      ...(record.output === undefined ? {} : { output: record.output, outputDetails: { included: true } }),
      ...(record.error === undefined ? {} : { error: record.error }),
      ...(record.cause === undefined ? {} : { cause: record.cause }),
    };
  }

  function execution(arn: unknown): ExecutionRecord {
    const record = typeof arn === 'string' ? executions.get(arn) : undefined;
    if (!record) throw new SfnError('ExecutionDoesNotExist', `Execution does not exist: '${String(arn)}'`);
    return record;
  }

  function callback(token: unknown) {
    if (typeof token !== 'string' || token.length === 0) throw new SfnError('InvalidToken', 'Invalid Token');
    const found = callbacks.get(token);
    if (found) return found;
    // A wait kept from before a restart whose execution has not resumed yet: keep the result for it.
    const kept = [...executions.values()].find((e) => e.status === 'RUNNING' && e.waiting?.token === token && !aborts.has(e.executionArn));
    if (kept) {
      return {
        executionArn: kept.executionArn,
        succeed: (output: Json) => void early.set(token, { output }),
        fail: (error: TaskFailure) => void early.set(token, { error }),
      };
    }
    if (finishedTokens.has(token)) throw new SfnError('TaskTimedOut', 'Task Timed Out');
    throw new SfnError('TaskDoesNotExist', 'Task does not exist anymore');
  }

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    StartExecution: (body) => {
      const stateMachineArn = String(body.stateMachineArn ?? '');
      if (!machines.has(stateMachineArn)) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
      const name = typeof body.name === 'string' && body.name ? body.name : randomUUID();
      if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
      const input = typeof body.input === 'string' ? body.input : '{}';
      try {
        JSON.parse(input);
      } catch {
        throw new SfnError('InvalidExecutionInput', 'Invalid State Machine Execution Input');
      }
      const executionArn = executionArnOf(stateMachineArn, name);
      const existing = executions.get(executionArn);
      if (existing) {
        // Standard workflows: the same name and input is idempotent; anything else is a conflict.
        if (existing.input === input) return { executionArn, startDate: seconds(existing.startDate) };
        throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      }
      const record: ExecutionRecord = { executionArn, stateMachineArn, name, input, status: 'RUNNING', startDate: Date.now() };
      executions.set(executionArn, record);
      persist(record);
      run(record);
      return { executionArn, startDate: seconds(record.startDate) };
    },
    DescribeExecution: (body) => describe(execution(body.executionArn)),
    ListExecutions: (body) => ({
      executions: [...executions.values()]
        .filter((e) => e.stateMachineArn === body.stateMachineArn && (!body.statusFilter || e.status === body.statusFilter))
        .sort((a, b) => b.startDate - a.startDate)
        .slice(0, typeof body.maxResults === 'number' && body.maxResults > 0 ? body.maxResults : 100)
        .map((e) => ({ executionArn: e.executionArn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status, startDate: seconds(e.startDate), ...(e.stopDate ? { stopDate: seconds(e.stopDate) } : {}) })),
    }),
    StopExecution: (body) => {
      const record = execution(body.executionArn);
      if (record.status === 'RUNNING') {
        Object.assign(record, { status: 'ABORTED', stopDate: Date.now() }, body.error ? { error: String(body.error) } : {}, body.cause ? { cause: String(body.cause) } : {});
        delete record.waiting;
        persist(record);
        aborts.get(record.executionArn)?.();
      }
      return { stopDate: seconds(record.stopDate) };
    },
    SendTaskSuccess: (body) => {
      const found = callback(body.taskToken);
      let output: Json;
      try {
        output = JSON.parse(String(body.output ?? '')) as Json;
      } catch {
        throw new SfnError('InvalidOutput', 'Invalid Output');
      }
      found.succeed(output);
      return {};
    },
    SendTaskFailure: (body) => {
      const found = callback(body.taskToken);
      found.fail(new TaskFailure(typeof body.error === 'string' && body.error ? body.error : 'States.TaskFailed', typeof body.cause === 'string' ? body.cause : ''));
      return {};
    },
    SendTaskHeartbeat: (body) => {
      callback(body.taskToken);
      return {};
    },
  };

  function reply(res: ServerResponse, status: number, body: unknown, errorType?: string) {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID(), ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
    res.end(JSON.stringify(body));
  }

  function serve(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('AWSStepFunctions.') ? operations[target.slice('AWSStepFunctions.'.length)] : undefined;
      try {
        if (req.method !== 'POST' || !operation) throw new SfnError('UnknownOperationException', `The local Step Functions endpoint does not support ${target || req.method}`);
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        } catch {
          throw new SfnError('SerializationException', 'The request body is not JSON');
        }
        reply(res, 200, operation(body));
      } catch (error) {
        if (error instanceof SfnError) reply(res, 400, { __type: `com.amazonaws.swf.service.v2.model#${error.code}`, message: error.message }, error.code);
        else {
          log(`[stepfunctions] ${target} failed: ${String(error)}`);
          reply(res, 500, { __type: 'InternalFailure', message: 'Internal failure' }, 'InternalFailure');
        }
      }
    });
  }

  const server: Server = createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    resume() {
      for (const record of executions.values()) {
        if (record.status !== 'RUNNING' || aborts.has(record.executionArn)) continue;
        if (!machines.has(record.stateMachineArn)) continue;
        log(`[stepfunctions] resuming ${record.name} at ${record.position?.state ?? 'the start'}`);
        run(record, record.position);
      }
    },
    describe: (arn) => executions.get(arn),
    stats: () => ({ running: [...executions.values()].filter((e) => e.status === 'RUNNING').length, waiting: callbacks.size }),
    async stop() {
      stopping = true;
      for (const abort of aborts.values()) abort();
      aborts.clear();
      for (const cancel of cancels) cancel();
      cancels.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

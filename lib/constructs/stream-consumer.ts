import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StreamConsumerDefinition } from '../../functions/shared/schema/stream-consumers';
import type { ModuleFunction } from './module-function';

/** Properties of {@link StreamConsumer}. */
export interface StreamConsumerProps {
  /** The table whose stream (NEW_AND_OLD_IMAGES) feeds the consumer. */
  readonly table: ITable;
  /** The function that processes the batches (it must report partial batch failures). */
  readonly handler: ModuleFunction;
  /** Batch size, retries, bisect, record age and entity-type filter, shared with the local poller. */
  readonly definition: StreamConsumerDefinition;
}

/**
 * A stream consumer of the single table with Lambda's safety settings in one place: partial batch
 * responses, bounded retries, bisect on error, a maximum record age, one batch per shard at a time
 * (changes arrive in order), an entity-type filter at the event source, and an on-failure
 * destination (an encrypted, TLS-only SQS queue receiving the shard and sequence range of every
 * batch that kept failing, for replay).
 */
export class StreamConsumer extends Construct {
  /** On-failure destination of the event source mapping (alarm on its depth). */
  public readonly deadLetterQueue: Queue;
  /** The event source mapping. */
  public readonly eventSource: DynamoEventSource;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    const settings = props.definition;
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        `This queue is itself the dead-letter destination: the on-failure destination of the ${settings.name} event source ` +
        'mapping, which cdk-nag cannot see as a DLQ because no redrive policy names it. Messages leave it only when an operator ' +
        'replays the stream range they name, so a further DLQ behind it would never receive anything.',
    });

    const entityType = settings.entityTypes ? [...settings.entityTypes] : [{ 'anything-but': [...settings.excludeEntityTypes] }];
    this.eventSource = new DynamoEventSource(props.table, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: settings.batchSize,
      retryAttempts: settings.retryAttempts,
      bisectBatchOnError: settings.bisectOnError,
      maxRecordAge: Duration.seconds(settings.maxRecordAgeSeconds),
      reportBatchItemFailures: true,
      parallelizationFactor: settings.parallelizationFactor,
      onFailure: new SqsDlq(this.deadLetterQueue),
      filters: eventFilters(settings, entityType),
    });
    props.handler.addEventSource(this.eventSource);
    Validations.of(props.handler.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource "*" appears only for actions without resource-level permissions: xray:PutTraceSegments and ' +
        'xray:PutTelemetryRecords (active tracing) and dynamodb:ListStreams (added by the DynamoDB event source). Reading the ' +
        'stream (DescribeStream, GetRecords, GetShardIterator) names the stream ARN.',
    });
  }
}

/** Inserts and updates by the new image's type, removals by the old image's; only the kinds of change asked for. */
function eventFilters(settings: StreamConsumerDefinition, entityType: unknown[]): Array<{ pattern: string }> {
  const wanted = new Set(settings.eventNames ?? ['INSERT', 'MODIFY', 'REMOVE']);
  const newImageEvents = ['INSERT', 'MODIFY'].filter((name) => wanted.has(name as never));
  const filters: Array<{ pattern: string }> = [];
  if (newImageEvents.length > 0) filters.push({ pattern: JSON.stringify({ eventName: newImageEvents, dynamodb: { NewImage: { entityType: { S: entityType } } } }) });
  if (wanted.has('REMOVE')) filters.push({ pattern: JSON.stringify({ eventName: ['REMOVE'], dynamodb: { OldImage: { entityType: { S: entityType } } } }) });
  return filters;
}

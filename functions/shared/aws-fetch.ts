import { AwsClient } from 'aws4fetch';
import { requireEnv } from './env';

/**
 * AWS services spoken with fetch and SigV4 (aws4fetch) where an SDK client would be most of a
 * bundle: the export worker's S3 requests, the webhook queue's SQS requests. Credentials come from
 * the function's environment; each caller runs its own retry loop (aws4fetch's retries none).
 */
export function awsSigner(service: string): AwsClient {
  return new AwsClient({
    accessKeyId: requireEnv('AWS_ACCESS_KEY_ID'),
    secretAccessKey: requireEnv('AWS_SECRET_ACCESS_KEY'),
    ...(process.env.AWS_SESSION_TOKEN ? { sessionToken: process.env.AWS_SESSION_TOKEN } : {}),
    // Given, not guessed from the host name: a local endpoint is not an AWS host name.
    service,
    region: requireEnv('AWS_REGION'),
    retries: 0,
  });
}

/** An error answer of an AWS service: its code as the name, and the HTTP status. */
export class AwsServiceError extends Error {
  constructor(
    code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = code;
  }
}

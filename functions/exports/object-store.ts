import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { requireEnv } from '../shared/env';

/**
 * The exports bucket (S3; locally s3rver through AWS_ENDPOINT_URL_S3). Path-style addressing so a
 * local endpoint needs no DNS for bucket subdomains; it works the same against S3.
 */
const s3 = new S3Client({ forcePathStyle: true, maxAttempts: 3 });

let bucketName: string | undefined;
function bucket(): string {
  bucketName ??= requireEnv('EXPORTS_BUCKET');
  return bucketName;
}

export interface UploadedPart {
  PartNumber: number;
  ETag: string;
}

export async function createUpload(key: string, contentType: string, contentDisposition: string): Promise<string> {
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket(), Key: key, ContentType: contentType, ContentDisposition: contentDisposition }),
  );
  if (!UploadId) throw new Error('S3 returned no upload id');
  return UploadId;
}

export async function uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<UploadedPart> {
  const { ETag } = await s3.send(new UploadPartCommand({ Bucket: bucket(), Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body }));
  if (!ETag) throw new Error('S3 returned no ETag for a part');
  return { PartNumber: partNumber, ETag };
}

export async function completeUpload(key: string, uploadId: string, parts: readonly UploadedPart[]): Promise<void> {
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket(), Key: key, UploadId: uploadId, MultipartUpload: { Parts: [...parts] } }));
}

export async function abortUpload(key: string, uploadId: string): Promise<void> {
  await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket(), Key: key, UploadId: uploadId }));
}

export async function putObject(key: string, body: Uint8Array | string, contentType: string, contentDisposition?: string): Promise<void> {
  await s3.send(
    new PutObjectCommand({ Bucket: bucket(), Key: key, Body: body, ContentType: contentType, ...(contentDisposition ? { ContentDisposition: contentDisposition } : {}) }),
  );
}

/** The object's bytes, or undefined when there is none. For small objects (checkpoints). */
export async function getObjectBytes(key: string): Promise<Uint8Array | undefined> {
  try {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
    return Body ? await Body.transformToByteArray() : new Uint8Array();
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** sha256 (hex) of an object, read as a stream (bounded memory at any size). */
export async function sha256OfObject(key: string): Promise<string> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
  const hash = createHash('sha256');
  if (Body) {
    for await (const chunk of Body as AsyncIterable<Uint8Array>) hash.update(chunk);
  }
  return hash.digest('hex');
}

export async function deleteObject(key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket(), Key: key }));
}

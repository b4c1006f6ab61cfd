import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { HttpProblem, MAX_FIELD_ERRORS, type FieldError } from '../errors';
import { logger } from '../logger';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId: string;
  errors?: FieldError[];
  /** How many field errors follow those listed (only when some were left out). */
  errorsOmitted?: number;
}

/** Errors thrown by middy's own middlewares carry a status and a package name in `cause`. */
function fromMiddyError(error: { statusCode: number; cause?: { package?: string } }): HttpProblem | undefined {
  const origin = error.cause?.package;
  if (origin === '@middy/http-json-body-parser') {
    return error.statusCode === 415
      ? new HttpProblem(415, 'Unsupported Media Type', 'The request body must be application/json', 'unsupported-media-type')
      : new HttpProblem(400, 'Bad Request', 'The request body is not valid JSON', 'malformed-json');
  }
  return undefined;
}

export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error && typeof error === 'object' && 'statusCode' in error && typeof error.statusCode === 'number') {
    const mapped = fromMiddyError(error as { statusCode: number; cause?: { package?: string } });
    if (mapped) return mapped;
  }
  return new HttpProblem(500, 'Internal Server Error', 'Something went wrong on our side', 'internal');
}

/** The first MAX_FIELD_ERRORS field errors and the count of the rest. */
function boundedErrors(problem: HttpProblem): Pick<ProblemBody, 'errors' | 'errorsOmitted'> {
  const errors = problem.extras.errors;
  if (!errors) return {};
  const listed = errors.slice(0, MAX_FIELD_ERRORS);
  const counted = typeof problem.extras.errorsOmitted === 'number' ? problem.extras.errorsOmitted : 0;
  const omitted = counted + errors.length - listed.length;
  return { errors: listed, ...(omitted > 0 ? { errorsOmitted: omitted } : {}) };
}

export function problemResponse(problem: HttpProblem, requestId: string, instance?: string): APIGatewayProxyResult {
  const body: ProblemBody = {
    type: problem.type,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    ...(instance ? { instance } : {}),
    requestId,
    ...boundedErrors(problem),
  };
  return {
    statusCode: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'x-request-id': requestId, ...problem.extras.headers },
    body: JSON.stringify(body),
  };
}

/**
 * The one place errors become HTTP responses: known problems keep their status and detail;
 * anything else is logged and answered with a generic 500 that leaks nothing but the request id.
 * `headersOf` adds fields every answer to the event carries (the partner API's rate limits).
 */
export function problemErrorHandler(
  requestIdOf: (event: unknown) => string,
  pathOf: (event: unknown) => string | undefined,
  headersOf: (event: unknown) => Record<string, string> = () => ({}),
): MiddlewareObj {
  return {
    onError: async (request) => {
      const problem = toProblem(request.error);
      const requestId = requestIdOf(request.event);
      if (problem.status >= 500) {
        logger.error('Unhandled error', { error: request.error as Error, requestId });
      } else if (problem.status === 401 || problem.status === 403) {
        logger.warn('Access refused', { status: problem.status, reason: problem.detail, path: pathOf(request.event) });
      }
      const response = problemResponse(problem, requestId, pathOf(request.event));
      request.response = { ...response, headers: { ...headersOf(request.event), ...response.headers } };
    },
  };
}

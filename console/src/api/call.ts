import { toHttpError } from './problems';

/** What every openapi-fetch call resolves to. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body, or the API's refusal as a react-admin HttpError (field errors included). */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw toHttpError(response.status, error);
  return data as T;
}

/** Like unwrap, but also says whether the API accepted the change for approval (202) instead of making it. */
export async function unwrapWithStatus<T>(call: Promise<Answer<T>>): Promise<{ status: number; body: T }> {
  const { data, error, response } = await call;
  if (!response.ok) throw toHttpError(response.status, error);
  return { status: response.status, body: data as T };
}

/** Marks a result the API did not apply but sent for approval: the screens say so and link to it. */
export const APPROVAL_SENT = 'approvalSent';

/** A command's result; on 202 the approval it created, under APPROVAL_SENT. */
export async function commandResult<T>(call: Promise<Answer<T>>): Promise<T | { [APPROVAL_SENT]: { id: string } }> {
  const { status, body } = await unwrapWithStatus(call);
  if (status === 202) return { [APPROVAL_SENT]: (body as { approval: { id: string } }).approval };
  return body;
}

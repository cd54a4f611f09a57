/** JSON over HTTP for the instructor pages; a failed request throws with the server's message. */
import type { ApiError } from '../../../shared/errors';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError,
  ) {
    super(error.message);
  }
}

export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const payload = (await response.json().catch(() => ({}))) as { error?: ApiError };
  if (!response.ok) {
    throw new ApiRequestError(response.status, payload.error ?? { code: 'server/internal', message: response.statusText });
  }
  return payload as T;
}

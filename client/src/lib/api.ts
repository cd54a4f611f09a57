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

/** `body` is sent as JSON, except a file (a Blob), which is sent as it is: import reads the file itself. */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const isJson = body !== undefined && !(body instanceof Blob);
  const response = await fetch(path, {
    method,
    headers: isJson ? { 'content-type': 'application/json' } : {},
    body: isJson ? JSON.stringify(body) : (body as Blob | undefined),
    credentials: 'same-origin',
  });
  const payload = (await response.json().catch(() => ({}))) as { error?: ApiError };
  if (!response.ok) {
    throw new ApiRequestError(response.status, payload.error ?? { code: 'server/internal', message: response.statusText });
  }
  return payload as T;
}

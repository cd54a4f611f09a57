/**
 * JSON over HTTP for the instructor pages. A failed request throws an `ApiRequestError` with the server's code
 * (status 0 when the server was not reached); pages word it with `describeError` (lib/i18n/errors.ts), never
 * show the server's English message.
 */
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
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: isJson ? { 'content-type': 'application/json' } : {},
      body: isJson ? JSON.stringify(body) : (body as Blob | undefined),
      credentials: 'same-origin',
    });
  } catch (error) {
    // Never reached the server (offline, Wi-Fi gone, server down): status 0, worded as a connection error.
    throw new ApiRequestError(0, { code: 'server/internal', message: (error as Error).message });
  }
  const payload = (await response.json().catch(() => ({}))) as { error?: ApiError };
  if (!response.ok) {
    throw new ApiRequestError(response.status, payload.error ?? { code: 'server/internal', message: response.statusText });
  }
  return payload as T;
}

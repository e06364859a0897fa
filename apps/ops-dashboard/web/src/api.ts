// Calls to the platform's services through the dashboard server's same-origin proxy (/svc/<service>),
// so the http-only session cookie travels, and every write (POST, PATCH) carries the CSRF token.
export type Service = 'api' | 'scoring-service' | 'sanction-service' | 'notification-service';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { code?: string; detail?: string; title?: string; errors?: { field: string; message: string }[] },
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

const csrfToken = () => /(?:^|;\s*)penalty_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';

/** GET without a body; with one, a POST (or the write `method` given). */
export async function call<T>(service: Service, path: string, body?: unknown, method: 'POST' | 'PATCH' = 'POST'): Promise<T> {
  const response = await fetch(`/svc/${service}${path}`, {
    method: body === undefined ? 'GET' : method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json', 'x-csrf-token': csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new ApiError(response.status, json ?? {});
  return json as T;
}

export interface Me {
  subject: string;
  roles: ('viewer' | 'reviewer' | 'admin')[];
}

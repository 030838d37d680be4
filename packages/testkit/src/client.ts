/**
 * A small HTTP client for tests that speaks to a node the way the web interface and scripts
 * do: cookies with a CSRF header, or a bearer token.
 */
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export class Client {
  private cookie: string | null = null;
  csrfToken: string | null = null;
  bearer: string | null = null;

  constructor(readonly baseUrl: string) {}

  withToken(token: string): Client {
    const c = new Client(this.baseUrl);
    c.bearer = token;
    return c;
  }

  async request<T = any>(method: string, path: string, body?: unknown, init: { headers?: Record<string, string>; raw?: string } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    if (this.csrfToken && method !== 'GET' && !('x-csrf-token' in headers)) headers['x-csrf-token'] = this.csrfToken;
    let payload: string | undefined = init.raw;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(new URL(path, this.baseUrl), { method, headers, body: payload ?? null, redirect: 'manual' });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const pair = setCookie.split(';')[0]!;
      this.cookie = pair.endsWith('=') ? null : pair;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }

  /** Signs in with e-mail and password and keeps the session cookie and CSRF token. */
  async login(email: string, password: string): Promise<Reply> {
    const r = await this.post('/api/v1/auth/login', { email, password });
    if (r.status === 200) this.csrfToken = r.body.csrfToken;
    return r;
  }

  /** Uses a one-time setup link (as printed by the node) to set a password, and stays signed in. */
  async setup(link: string, input: { email?: string; displayName?: string; password: string }): Promise<Reply> {
    const token = new URL(link).hash.slice(1);
    const r = await this.post('/api/v1/auth/setup', { token, ...input });
    if (r.status === 200) this.csrfToken = r.body.csrfToken;
    return r;
  }
}

export const ADMIN = { email: 'admin@mfa.example', password: 'correct horse battery staple', displayName: 'First Admin' };

/** Sets up the first administrator of a fresh node through its first-run link. */
export async function signedInAdmin(node: { url: string; firstRunLink: string | null }): Promise<Client> {
  if (!node.firstRunLink) throw new Error('this node already has an administrator');
  const client = new Client(node.url);
  const r = await client.setup(node.firstRunLink, ADMIN);
  if (r.status !== 200) throw new Error(`setup failed: ${r.status} ${JSON.stringify(r.body)}`);
  return client;
}

/** Invites a person with `role` through an administrator and signs them in with the invitation link. */
export async function signedInUser(admin: Client, role: 'admin' | 'officer' | 'viewer', displayName: string): Promise<Client> {
  const email = `${displayName.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@mfa.example`;
  const invited = await admin.post('/api/v1/users', { email, displayName, role });
  if (invited.status !== 201) throw new Error(`invitation failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  const client = new Client(admin.baseUrl);
  const r = await client.setup(invited.body.setupLink, { password: 'a long test password' });
  if (r.status !== 200) throw new Error(`setup failed: ${r.status} ${JSON.stringify(r.body)}`);
  return client;
}

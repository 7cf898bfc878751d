// What the agent needs from HTTP: one request with a timeout, text in and out. Used for forge
// commit statuses and the alert webhook. Implementations: node-http.ts (undici) and a QuickJS
// one (uclient-fetch / curl). Tokens travel only in `headers`; implementations never log them.

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  body: string;
}

export interface HttpClient {
  /** Resolves with any HTTP status; rejects on network errors and timeouts. */
  request(req: HttpRequest): Promise<HttpResponse>;
}

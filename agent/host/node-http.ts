// HttpClient on node, with undici. One request, a hard deadline for connect + headers + body.
// Redirects are not followed (undici 7 only follows them with an interceptor): a forge API that
// redirects is misconfigured, and following it could send the token elsewhere.
import { request } from 'undici';
import type { HttpClient, HttpRequest, HttpResponse } from './http-client.ts';

export function createNodeHttp(): HttpClient {
  return {
    async request(req: HttpRequest): Promise<HttpResponse> {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
        signal: AbortSignal.timeout(req.timeoutMs),
      });
      const body = await res.body.text();
      return { status: res.statusCode, body };
    },
  };
}

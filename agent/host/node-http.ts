// HttpClient on node. It uses the fetch built into node (node ≥ 18 ships undici as its fetch), not
// a bundled copy of the undici package: that copy alone weighed 522 KB of the 600 KB budget of
// the single-file node bundle. One request, one hard deadline for connect + headers + body.
// Redirects are not followed: a forge API that redirects is misconfigured, and following it could
// send the token elsewhere.
import type { HttpClient, HttpRequest, HttpResponse } from './http-client.ts';

export function createNodeHttp(): HttpClient {
  return {
    async request(req: HttpRequest): Promise<HttpResponse> {
      const res = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(req.timeoutMs),
      });
      const body = await res.text();
      return { status: res.status, body };
    },
  };
}

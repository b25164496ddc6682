import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';

/** The GraphQL endpoint's HTTP and WebSocket URLs, on the host that served this page. */
export function graphqlUrl(location: Location): { http: string; ws: string } {
  // The page lives at /graphql itself (GET text/html), so the endpoint is the page's own path.
  const path = location.pathname.replace(/\/+$/, '') || '/graphql';
  const ws = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return { http: `${location.origin}${path}`, ws: `${ws}//${location.host}${path}` };
}

/**
 * Queries and mutations over HTTP POST; subscriptions over WebSocket with the graphql-transport-ws
 * protocol (`graphql-ws`'s client, which the toolkit loads on first use), so the same page works for
 * subscriptions once the schema has them. The Headers tab's headers travel with every HTTP request.
 */
export function createFetcher(url: { http: string; ws: string }): Fetcher {
  return createGraphiQLFetcher({ url: url.http, subscriptionUrl: url.ws });
}

// One timelineChanged subscription with the graphql-ws client (graphql-transport-ws protocol), ws as the
// WebSocket. Usage: node subscribe.mjs <ws url> '<variables JSON>'. Prints each payload as one JSON line on stdout
// ({"data": ...} or {"errors": ...}); exits when the server completes the subscription or the connection ends.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, variables = "{}"] = process.argv.slice(2);
const query = `subscription ($filter: ItemFilter, $after: String) {
  timelineChanged(filter: $filter, after: $after) {
    kind cursor item { __typename ... on Event { slug title } }
  }
}`;

const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
client.on("connected", () => console.log(JSON.stringify({ connected: true })));
try {
  for await (const result of client.iterate({ query, variables: JSON.parse(variables) })) {
    console.log(JSON.stringify(result));
  }
} catch (error) {
  console.log(JSON.stringify({ failed: String(error?.message ?? error?.reason ?? error) }));
  process.exitCode = 1;
} finally {
  await client.dispose();
}

// Realign's playground: GraphiQL 5 with the explorer plugin, built from npm packages so the page loads
// nothing from outside the server (the server's Content-Security-Policy enforces that).
//
// Monaco runs its language services in web workers; the Vite setup module imports them with `?worker`,
// so Vite bundles each worker as its own file under assets/ (served from 'self').
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import { explorerPlugin } from '@graphiql/plugin-explorer';

import { createFetcher, graphqlUrl } from './fetcher';

const DEFAULT_QUERY = `# Welcome to Realign. The docs pane (book icon, top left) describes every type and field;
# the explorer (compass icon) builds queries by ticking fields. Writes need a token: open the
# Headers tab below and paste {"Authorization": "Bearer rlg_..."}.
{
  timeline(first: 5) {
    totalCount
    nodes {
      __typename slug date { label }
      ... on Event { title eventKind }
      ... on Statement { quote speaker { name } }
      ... on Reaction { reactionKind reactor { name } }
    }
  }
}
`;

// One plugin instance for the page's lifetime: GraphiQL compares plugins by identity.
const explorer = explorerPlugin();

const root = document.getElementById('graphiql');
if (root === null) throw new Error('#graphiql is missing from index.html');
root.textContent = '';
createRoot(root).render(
  <StrictMode>
    <GraphiQL
      fetcher={createFetcher(graphqlUrl(window.location))}
      plugins={[HISTORY_PLUGIN, explorer]}
      defaultQuery={DEFAULT_QUERY}
      isHeadersEditorEnabled
      shouldPersistHeaders={false}
    />
  </StrictMode>,
);

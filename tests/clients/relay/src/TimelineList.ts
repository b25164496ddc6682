// A Relay app's paginated timeline: the fragment a list component spreads into its page query, paged with
// usePaginationFragment (hence @refetchable, and @argumentDefinitions for the page size, cursor and filter).
import { graphql } from "relay-runtime";

export const TimelineListQuery = graphql`
  query TimelineListQuery($filter: ItemFilter) {
    ...TimelineList_query @arguments(filter: $filter)
  }
`;

export const TimelineList = graphql`
  fragment TimelineList_query on Query
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
    filter: { type: "ItemFilter" }
  )
  @refetchable(queryName: "TimelineListPaginationQuery") {
    timeline(first: $count, after: $cursor, filter: $filter) @connection(key: "TimelineList_timeline", filters: ["filter"]) {
      totalCount
      edges {
        node {
          __typename
          ...EventCard_event @alias(as: "event")
          ... on TimelineItem {
            id
            slug
            date {
              label
            }
          }
          ... on Statement {
            quote
            speaker {
              name
            }
          }
          ... on Reaction {
            reactionKind
            reactor {
              name
            }
          }
        }
      }
    }
  }
`;

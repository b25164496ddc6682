// A Relay app's relationship card: a fragment on Relationship (a Node) that refetches itself through `node(id:)`.
import { graphql } from "relay-runtime";

export const RelationshipCard = graphql`
  fragment RelationshipCard_relationship on Relationship @refetchable(queryName: "RelationshipCardRefetchQuery") {
    id
    from { name }
    to { name }
    score
    trend
  }
`;

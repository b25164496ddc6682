// A Relay app's event card: a fragment on Event that refetches itself through `node(id:)`.
import { graphql } from "relay-runtime";

export const EventCard = graphql`
  fragment EventCard_event on Event @refetchable(queryName: "EventCardRefetchQuery") {
    id
    title
    date {
      label
      precision
    }
    participants {
      role
      actor {
        name
      }
    }
  }
`;

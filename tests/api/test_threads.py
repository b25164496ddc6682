"""Reaction threads: from an item to the reactions to it, and theirs, several levels deep in one query."""

from __future__ import annotations

SESSION_THREAD = """
{
  event(ref: {slug: "unsc-hostage-session-2025-08"}) {
    title
    reactions { totalCount }
    statements {
      nodes {
        slug
        speaker { name }
        reactions {
          totalCount
          nodes {
            reactionKind
            reactor { name }
            statement { channel quote }
            reactions { totalCount nodes { slug } }
          }
        }
      }
    }
  }
}
"""

GAZA_THREAD = """
{
  event(ref: {slug: "gaza-war"}) {
    title
    reactions {
      totalCount
      nodes {
        slug reactionKind reactor { name }
        reactions {
          nodes {
            slug reactionKind reactor { name }
            target { __typename ... on Reaction { slug } }
            statement {
              quote
              reactions { nodes { slug reactionKind reactor { name } date { label } } }
            }
          }
        }
      }
    }
  }
}
"""

RIDICULE = """
{
  reaction(ref: {slug: "saar-ridicules-russia-envoy"}) {
    reactionKind ploverType score summary
    date { label dayOrder }
    reactor { name }
    target {
      __typename
      ... on Reaction {
        slug reactionKind
        reactor { slug name country affiliations { nodes { role } } }
        target { __typename ... on Event { slug title } }
      }
    }
    statement { slug venue { slug } }
  }
}
"""

TARGETS = """
{
  reactions(first: 100) {
    nodes {
      slug
      target {
        __typename
        ... on Event { slug }
        ... on Statement { slug }
        ... on Reaction { slug }
      }
    }
  }
}
"""


def test_from_the_un_session_to_yermaks_thanks(client):
    """Given the UN session, when its statements' reactions are read, then Yermak thanks Sa'ar's remark on Russia."""
    event = client.gql(SESSION_THREAD)["event"]
    assert event["title"] == "Security Council session on the hostages, called by Israel"
    assert event["reactions"]["totalCount"] == 0  # the story's reactions answer the Gaza war and what was said
    by_slug = {s["slug"]: s for s in event["statements"]["nodes"]}
    assert set(by_slug) == {
        "saar-unsc-on-russian-representative",
        "saar-unsc-on-palestinian-representative",
        "saar-unsc-upside-down",
    }
    russia = by_slug["saar-unsc-on-russian-representative"]["reactions"]
    assert russia["totalCount"] == 1
    (thanks,) = russia["nodes"]
    assert thanks["reactionKind"] == "THANKS" and thanks["reactor"] == {"name": "Andriy Yermak"}
    assert thanks["statement"]["channel"] == "SOCIAL_MEDIA_POST"
    assert "moral courage at the UN" in thanks["statement"]["quote"]
    assert thanks["reactions"] == {"totalCount": 0, "nodes": []}
    assert by_slug["saar-unsc-upside-down"]["reactions"]["totalCount"] == 0


def test_gaza_war_thread_four_levels_deep(client):
    """Given the Gaza war, when reactions → reactions → words → reactions are read, then the whole UN thread comes."""
    reactions = client.gql(GAZA_THREAD)["event"]["reactions"]
    assert reactions["totalCount"] == 3
    thread = {
        first["slug"]: [(r["slug"], r["reactionKind"], r["reactor"]["name"]) for r in first["reactions"]["nodes"]]
        for first in reactions["nodes"]
    }
    assert thread == {
        "unsc-diplomats-condemn-israel-gaza-policies": [
            ("saar-criticises-upside-down-approach", "CRITICISE", "Gideon Sa'ar")
        ],
        "russia-envoy-condemns-israel-at-unsc": [("saar-ridicules-russia-envoy", "RIDICULE", "Gideon Sa'ar")],
        "palestinian-representative-criticises-israel-at-unsc": [
            ("saar-accuses-palestinian-representative-of-propaganda", "ACCUSE", "Gideon Sa'ar")
        ],
    }
    russia = next(n for n in reactions["nodes"] if n["slug"] == "russia-envoy-condemns-israel-at-unsc")
    ridicule = russia["reactions"]["nodes"][0]
    assert ridicule["target"] == {"__typename": "Reaction", "slug": "russia-envoy-condemns-israel-at-unsc"}
    assert ridicule["statement"]["quote"].startswith("It was really funny")
    assert ridicule["statement"]["reactions"]["nodes"] == [
        {
            "slug": "yermak-thanks-saar-for-un-remarks",
            "reactionKind": "THANKS",
            "reactor": {"name": "Andriy Yermak"},
            "date": {"label": "6 August 2025"},
        }
    ]


def test_saar_ridicule_targets_the_russian_envoys_condemnation(client):
    """Given Sa'ar's ridicule, when its target is read, then it is the Russian envoy's condemnation of the Gaza war."""
    reaction = client.gql(RIDICULE)["reaction"]
    assert (reaction["reactionKind"], reaction["ploverType"], reaction["score"]) == ("RIDICULE", "ACCUSE", -4)
    assert reaction["reactor"] == {"name": "Gideon Sa'ar"}
    assert reaction["date"] == {"label": "5 August 2025", "dayOrder": 6}
    target = reaction["target"]
    assert target["__typename"] == "Reaction"
    assert target["slug"] == "russia-envoy-condemns-israel-at-unsc" and target["reactionKind"] == "CONDEMN"
    assert target["reactor"]["slug"] == "russia-un-representative" and target["reactor"]["country"] == "RUS"
    assert target["target"] == {"__typename": "Event", "slug": "gaza-war", "title": "War in Gaza"}
    assert reaction["statement"] == {
        "slug": "saar-unsc-on-russian-representative",
        "venue": {"slug": "unsc-hostage-session-2025-08"},
    }


def test_reaction_targets_resolve_to_every_member_of_the_union(client):
    """Given all reactions, when their targets are read, then events, a statement and reactions each resolve."""
    nodes = client.gql(TARGETS)["reactions"]["nodes"]
    targets = {n["slug"]: (n["target"]["__typename"], n["target"]["slug"]) for n in nodes}
    assert len(targets) == 10
    assert targets["yermak-thanks-saar-for-un-remarks"] == ("Statement", "saar-unsc-on-russian-representative")
    assert targets["saar-accuses-palestinian-representative-of-propaganda"] == (
        "Reaction",
        "palestinian-representative-criticises-israel-at-unsc",
    )
    assert targets["taiwan-thanks-knesset-for-petition"] == ("Event", "knesset-taiwan-petition-2025-07")
    assert {kind for kind, _ in targets.values()} == {"Event", "Statement", "Reaction"}

"""The actor network (``actorNetwork``) and its downloads (GraphML, Cytoscape.js): the story's network of July–August
2025, weights that agree with the relationships' own changes, folding families, the bounds, the errors, and the
GraphML read back with NetworkX."""

from __future__ import annotations

import io
from typing import Any

import networkx as nx
import pytest

from tests.api.conftest import Api, assert_no_traceback, codes

NETWORK = """
query ($from: FuzzyDate, $to: FuzzyDate, $asOf: FuzzyDate, $actors: [RecordRef!], $fold: Boolean! = false,
       $max: Int! = 500) {
  actorNetwork(from: $from, to: $to, asOf: $asOf, actors: $actors, includeAffiliated: $fold, maxLinks: $max) {
    from to asOf
    nodes { actor { slug name } degree inDegree outDegree inWeight outWeight }
    links {
      from { slug } to { slug }
      weight interactionCount changeCount eventCount statementCount reactionCount trend
    }
  }
}
"""

SUMMER = {"from": "2025-07", "to": "2025-08"}


def network(client: Api, **variables: Any) -> dict[str, Any]:
    return client.gql(NETWORK, variables)["actorNetwork"]


def edges_of(answer: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(e["from"]["slug"], e["to"]["slug"]): e for e in answer["links"]}


def test_the_summer_of_2025_has_the_story_with_the_right_signs(client: Api) -> None:
    answer = network(client, **SUMMER)
    nodes = {n["actor"]["slug"] for n in answer["nodes"]}
    assert {"israel", "ukraine", "russia", "taiwan", "prc"} <= nodes
    edges = edges_of(answer)
    # The seed story's relationship changes that overlap July–August 2025, summed per direction.
    expected = {
        ("israel", "russia"): -4,  # cools: Assad's fall (-1, "between 2022 and 2025-08-08"), Sa'ar's ridicule (-3)
        ("russia", "israel"): -2,
        ("israel", "taiwan"): 3,  # warms: the Knesset petition
        ("taiwan", "israel"): 2,
        ("israel", "ukraine"): 5,
        ("ukraine", "israel"): 5,
        ("prc", "israel"): -3,
        ("israel", "prc"): -4,
    }
    for pair, weight in expected.items():
        assert edges[pair]["weight"] == weight, pair
        assert edges[pair]["trend"] == ("WARMING" if weight > 0 else "COOLING"), pair
    assert edges[("israel", "taiwan")]["changeCount"] == 1
    # The petition is an event Israel's Knesset members signed, not Israel itself: Israel's own links to Taiwan
    # in the window are its change and whatever names Israel itself.
    for edge in answer["links"]:
        kinds = ("changeCount", "eventCount", "statementCount", "reactionCount")
        assert edge["interactionCount"] == sum(edge[k] for k in kinds) >= 1
        if edge["changeCount"] == 0:
            assert edge["weight"] == 0 and edge["trend"] == "STEADY"
    assert (answer["from"], answer["to"], answer["asOf"]) == ("2025-07", "2025-08", None)


def test_weights_are_the_sums_of_the_relationships_changes_in_the_window(client: Api) -> None:
    answer = network(client, **SUMMER)
    moved = [e for e in answer["links"] if e["changeCount"]]
    assert len(moved) >= 8
    for edge in moved:
        data = client.gql(
            """query ($a: RecordRef!, $b: RecordRef!, $from: FuzzyDate, $to: FuzzyDate) {
              relationship(from: $a, to: $b) { changes(from: $from, to: $to, first: 100) { nodes { delta } } }
            }""",
            {"a": {"slug": edge["from"]["slug"]}, "b": {"slug": edge["to"]["slug"]}, **SUMMER},
        )
        deltas = [c["delta"] for c in data["relationship"]["changes"]["nodes"]]
        assert (edge["weight"], edge["changeCount"]) == (sum(deltas), len(deltas)), edge


def test_nodes_sum_their_edges(client: Api) -> None:
    answer = network(client, **SUMMER)
    for node in answer["nodes"]:
        slug = node["actor"]["slug"]
        out = [e for e in answer["links"] if e["from"]["slug"] == slug]
        into = [e for e in answer["links"] if e["to"]["slug"] == slug]
        assert (node["outDegree"], node["inDegree"]) == (len(out), len(into))
        assert node["degree"] == len(out) + len(into) >= 1
        assert node["outWeight"] == sum(e["weight"] for e in out)
        assert node["inWeight"] == sum(e["weight"] for e in into)
    ends = {e["from"]["slug"] for e in answer["links"]} | {e["to"]["slug"] for e in answer["links"]}
    assert ends == {n["actor"]["slug"] for n in answer["nodes"]}


def test_as_of_is_everything_known_by_then(client: Api) -> None:
    # By the end of July only the late-July changes are known to have happened: Israel → Taiwan has warmed, and
    # nothing yet moved Israel → Russia (Assad's fall is dated up to 2025-08-08).
    july = edges_of(network(client, asOf="2025-07"))
    assert july[("israel", "taiwan")]["weight"] == 3
    assert ("prc", "israel") not in july or july[("prc", "israel")]["changeCount"] == 0
    assert ("israel", "russia") not in july or july[("israel", "russia")]["changeCount"] == 0
    # By 2026 every change of the story is known: each edge's weight is the relationship's score.
    later = network(client, asOf="2026")
    for edge in [e for e in later["links"] if e["changeCount"]]:
        data = client.gql(
            "query ($a: RecordRef!, $b: RecordRef!) { relationship(from: $a, to: $b) { score changeCount } }",
            {"a": {"slug": edge["from"]["slug"]}, "b": {"slug": edge["to"]["slug"]}},
        )
        assert (edge["weight"], edge["changeCount"]) == (
            data["relationship"]["score"],
            data["relationship"]["changeCount"],
        )


def test_actors_keep_their_edges_and_families_fold_into_them(client: Api) -> None:
    actors = [{"slug": "israel"}, {"slug": "russia"}]
    plain = network(client, **SUMMER, actors=actors)
    for edge in plain["links"]:
        assert {edge["from"]["slug"], edge["to"]["slug"]} & {"israel", "russia"}
    folded = network(client, **SUMMER, actors=actors, fold=True)
    slugs = {n["actor"]["slug"] for n in folded["nodes"]}
    # Sa'ar (Israel's foreign minister) and Russia's UN envoy fold into their states: no nodes of their own.
    assert not slugs & {"gideon-saar", "russia-un-representative", "israel-foreign-ministry", "knesset"}
    edges = edges_of(folded)
    before = edges_of(plain)
    # Sa'ar's ridicule of Russia's envoy (a reaction) and his remarks about Russia now count as Israel's.
    assert edges[("israel", "russia")]["reactionCount"] > before[("israel", "russia")]["reactionCount"]
    assert edges[("israel", "russia")]["weight"] == before[("israel", "russia")]["weight"] == -4
    assert all(e["from"]["slug"] != e["to"]["slug"] for e in folded["links"])
    # Given actors are nodes even without an edge.
    lonely = network(client, **SUMMER, actors=[{"slug": "new-york-sun"}])
    assert lonely["links"] == [] and [n["actor"]["slug"] for n in lonely["nodes"]] == ["new-york-sun"]


@pytest.mark.parametrize("window", [SUMMER, {"asOf": "2025-07"}, {"from": "2025"}])
def test_every_actor_reads_as_naming_every_actor_at_an_end(client: Api, window: dict[str, str]) -> None:
    """The network of every actor (read from the window's index ranges, joined by key) and the same actors named
    (read from each actor's own index) are one network: the same links, sums, counts and trends."""
    whole = network(client, **window)
    named = sorted({slug for pair in edges_of(whole) for slug in pair})
    assert 3 < len(named) <= 50
    same = network(client, **window, actors=[{"slug": slug} for slug in named])
    assert edges_of(same) == edges_of(whole)


def test_statements_do_not_grow_with_the_network(client: Api) -> None:
    small, data = client.count(NETWORK, {"asOf": "2025-07"})
    large, everything = client.count(NETWORK, {})
    assert len(everything["actorNetwork"]["links"]) > 3 * len(data["actorNetwork"]["links"]) > 0
    assert small == large <= 3


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"asOf": "2025", "from": "2025-07"}, "asOf"),
        ({"from": "2025-09", "to": "2025-07"}, "from"),
        ({"max": 0}, "maxLinks"),
        ({"max": 5001}, "maxLinks"),
    ],
)
def test_bad_arguments_are_refused_by_name(client: Api, variables: dict[str, Any], field: str) -> None:
    errors = client.errors(NETWORK, variables)
    assert codes(errors) == ["BAD_USER_INPUT"] and errors[0]["extensions"]["field"] == field, errors


def strength(link: dict[str, Any]) -> tuple[int, int]:
    return abs(link["weight"]), link["interactionCount"]


def test_past_max_links_the_strongest_are_kept_and_all_counted(client: Api) -> None:
    whole = client.gql(NETWORK.replace("links {", "linkCount links {"), SUMMER)["actorNetwork"]
    assert whole["linkCount"] == len(whole["links"]) > 3
    cut = client.gql(NETWORK.replace("links {", "linkCount links {"), {**SUMMER, "max": 3})["actorNetwork"]
    assert cut["linkCount"] == whole["linkCount"] and len(cut["links"]) == 3
    # The strongest: the greatest |weight|, then the most interactions; each exactly as in the whole network.
    everything = edges_of(whole)
    assert all(everything[pair] == link for pair, link in edges_of(cut).items())
    weakest_kept = min(strength(link) for link in cut["links"])
    left_out = [link for pair, link in everything.items() if pair not in edges_of(cut)]
    assert all(strength(link) <= weakest_kept for link in left_out)
    assert sorted(map(strength, cut["links"]), reverse=True) == sorted(map(strength, whole["links"]), reverse=True)[:3]
    # The nodes are the kept links' ends, their degrees and weights those of the graph as drawn.
    ends = {slug for pair in edges_of(cut) for slug in pair}
    assert {n["actor"]["slug"] for n in cut["nodes"]} == ends
    for node in cut["nodes"]:
        slug = node["actor"]["slug"]
        assert node["outWeight"] == sum(e["weight"] for (a, _), e in edges_of(cut).items() if a == slug)
        assert node["degree"] == sum((a == slug) + (b == slug) for a, b in edges_of(cut))
    # The downloads keep the same links.
    response = client.request("GET", "/network.graphml", params={**SUMMER, "maxLinks": "3"})
    assert response.status_code == 200, response.text
    graph = nx.read_graphml(io.BytesIO(response.content))
    assert set(graph.edges) == set(edges_of(cut)) and graph.graph["linkCount"] == whole["linkCount"]


def test_an_unknown_actor_is_not_found(client: Api) -> None:
    errors = client.errors(NETWORK, {"actors": [{"slug": "israel"}, {"slug": "atlantis"}]})
    assert codes(errors) == ["NOT_FOUND"] and errors[0]["extensions"]["field"] == "actors[1].slug"


def test_the_bound_counts_toward_the_node_limit(story_url: str) -> None:
    api = Api(story_url, max_nodes=300)
    try:
        errors = api.errors(NETWORK, {"asOf": "2025-07", "max": 101})  # 3 × 101 > 300
        assert codes(errors) == ["BAD_USER_INPUT"] and errors[0]["extensions"]["limit"] == "nodes"
        assert api.gql(NETWORK, {"asOf": "2025-07", "max": 100})["actorNetwork"]["links"]
        errors = api.errors(NETWORK, {"asOf": "2025-07"})  # the default 500
        assert codes(errors) == ["BAD_USER_INPUT"] and errors[0]["extensions"]["cost"] == 1500
    finally:
        api.close()


# --- downloads -----------------------------------------------------------------------------------------------


def test_graphml_reads_back_with_networkx_as_the_graphql_answer(client: Api) -> None:
    answer = network(client, **SUMMER)
    response = client.request("GET", "/network.graphml", params=SUMMER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/graphml+xml")
    assert response.headers["content-disposition"] == 'attachment; filename="actor-network_2025-07-to-2025-08.graphml"'
    graph = nx.read_graphml(io.BytesIO(response.content))
    assert graph.is_directed()
    assert set(graph.nodes) == {n["actor"]["slug"] for n in answer["nodes"]}
    for node in answer["nodes"]:
        data = graph.nodes[node["actor"]["slug"]]
        assert data["label"] == node["actor"]["name"]
        assert (data["degree"], data["inWeight"], data["outWeight"]) == (
            node["degree"],
            node["inWeight"],
            node["outWeight"],
        )
    expected = {pair: (e["weight"], e["interactionCount"], e["trend"]) for pair, e in edges_of(answer).items()}
    found = {(a, b): (d["weight"], d["interactionCount"], d["trend"]) for a, b, d in graph.edges(data=True)}
    assert found == expected
    assert isinstance(next(iter(graph.edges(data=True)))[2]["weight"], int)  # typed by its <key>


def test_cytoscape_elements_are_the_same_graph(client: Api) -> None:
    answer = network(client, **SUMMER, actors=[{"slug": "israel"}], fold=True)
    response = client.request(
        "GET", "/network.cytoscape.json", params={**SUMMER, "actors": "israel", "includeAffiliated": "true"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"].endswith('.cytoscape.json"')
    elements = response.json()
    ids = [n["data"]["id"] for n in elements["nodes"]]
    assert ids == [n["actor"]["slug"] for n in answer["nodes"]] and len(set(ids)) == len(ids)
    assert all(n["data"]["label"] for n in elements["nodes"])
    edges = {(e["data"]["source"], e["data"]["target"]): e["data"] for e in elements["edges"]}
    assert {pair: e["weight"] for pair, e in edges.items()} == {
        pair: e["weight"] for pair, e in edges_of(answer).items()
    }
    assert all(e["id"] == f"{a}->{b}" and a in ids and b in ids for (a, b), e in edges.items())
    assert len({e["data"]["id"] for e in elements["edges"]}) == len(elements["edges"])


def test_downloads_are_cacheable_by_their_etag(client: Api) -> None:
    first = client.request("GET", "/network.graphml", params={"asOf": "2025-08"})
    etag = first.headers["etag"]
    assert etag.startswith('"') and first.headers["cache-control"].startswith("public")
    again = client.request("GET", "/network.graphml", params={"asOf": "2025-08"}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = client.request("GET", "/network.graphml", params={"asOf": "2025-07"}, headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag


@pytest.mark.parametrize(
    ("params", "status", "parameter"),
    [
        ({"from": "July"}, 400, "from"),
        ({"asOf": "2025", "to": "2025"}, 400, "asOf"),
        ({"maxLinks": "lots"}, 400, "maxLinks"),
        ({"maxLinks": "0", **SUMMER}, 400, "maxLinks"),
        ({"includeAffiliated": "maybe"}, 400, "includeAffiliated"),
        ({"window": "2025"}, 400, "window"),
        ({"actors": "israel,atlantis"}, 404, "actors"),
    ],
)
def test_a_bad_parameter_is_named_in_a_json_error(
    client: Api, params: dict[str, str], status: int, parameter: str
) -> None:
    for path in ("/network.graphml", "/network.cytoscape.json"):
        response = client.request("GET", path, params=params)
        assert response.status_code == status, response.text
        assert_no_traceback(response.text)
        error = response.json()["error"]
        assert error["parameter"] == parameter and error["message"], error

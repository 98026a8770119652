"""Citations: URLs, DOIs, arXiv ids, "et al." references and quoted titles checked against sources."""

from guards.analyzers.trustguard.citations import find_citations

REFERENCE = (
    "Details at https://example.org/docs/page. Smith et al. (2019) measured it; doi:10.1000/xyz123. "
    'The paper "Attention Is All You Need" introduced transformers.'
)


def found(text):
    out = [(c.kind, c.text, c.found) for c in find_citations(text, REFERENCE)]
    for c in find_citations(text, REFERENCE):
        assert text[c.start : c.end] == c.text
    return out


def test_it_accepts_a_url_from_the_sources_and_flags_an_invented_one():
    assert found("See https://example.org/docs/page.") == [("url", "https://example.org/docs/page", True)]
    assert found("See http://www.madeup-journal.io/a/b for proof.") == [
        ("url", "http://www.madeup-journal.io/a/b", False)
    ]


def test_it_checks_dois_and_arxiv_ids():
    assert found("As in 10.1000/xyz123 and 10.5555/fake.99.") == [
        ("doi", "10.1000/xyz123", True), ("doi", "10.5555/fake.99", False),
    ]
    assert found("See arXiv:2101.01234.") == [("arxiv", "arXiv:2101.01234", False)]


def test_it_checks_author_year_references():
    assert found("Smith et al., 2019 showed it.") == [("author_year", "Smith et al., 2019", True)]
    assert found("Jones et al. (2021) showed it.") == [("author_year", "Jones et al. (2021)", False)]
    assert found("Smith et al. (2021) showed it.") == [("author_year", "Smith et al. (2021)", False)]


def test_it_checks_quoted_paper_titles():
    assert found('The paper "Attention Is All You Need" is famous.') == [
        ("title", "Attention Is All You Need", True)
    ]
    assert found('The study "Deep Nets Cure Everything" proved it.') == [
        ("title", "Deep Nets Cure Everything", False)
    ]


def test_plain_prose_with_a_name_and_a_year_is_not_a_citation():
    assert found("Smith moved to Boston in 2019.") == []


def test_a_near_miss_looks_less_invented_than_a_citation_with_nothing_in_the_sources():
    [same_site] = find_citations("See https://example.org/other/page.", REFERENCE)
    [elsewhere] = find_citations("See https://nowhere.example/page.", REFERENCE)
    [known_author] = find_citations("Smith et al. (2021) found it.", REFERENCE)
    assert same_site.partial and not elsewhere.partial and known_author.partial
    assert 0 < same_site.suspicion < elsewhere.suspicion
    assert find_citations("See https://example.org/docs/page.", REFERENCE)[0].suspicion == 0

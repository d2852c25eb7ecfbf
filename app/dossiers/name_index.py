"""The text index over applicants' folded names, for searches across many units (a district's or the
city's officer): SQLite's FTS5 trigram table `dossier_names`, kept by triggers on `dossiers`;
PostgreSQL's `pg_trgm` GIN index on `dossiers.applicant_search`, which its planner uses for the same
`LIKE '%word%'` conditions by itself (migration a1ead0c1ty02).

The index only narrows: the search still requires every folded word as a substring of the folded
name (`LIKE`), so its results are today's exactly. A trigram index knows nothing of words shorter
than three letters ("an", "le"): those are checked by the `LIKE` alone."""
from sqlalchemy import Column, Integer, MetaData, Select, String, Table, select

# Not in the app's metadata: the table is the migration's and the triggers', never created or
# dropped by SQLAlchemy.
dossier_names = Table("dossier_names", MetaData(), Column("rowid", Integer), Column("applicant_search", String))

TRIGRAM = 3


def indexable(words: list[str]) -> list[str]:
    """The words a trigram index can look up."""
    return [word for word in words if len(word) >= TRIGRAM]


def match_query(words: list[str]) -> str:
    """An FTS5 query requiring each word as a substring: each a quoted string (quotes doubled)."""
    return " AND ".join('"' + word.replace('"', '""') + '"' for word in words)


def matching_ids(words: list[str]) -> Select:
    """Ids of the dossiers whose folded name contains every one of `words` (at least 3 letters each)."""
    return select(dossier_names.c.rowid).where(dossier_names.c.applicant_search.op("MATCH")(match_query(words)))

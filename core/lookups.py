"""Lookups for PostgreSQL's indexes (plain SQL on the embedded SQLite).

`field__trgm_icontains=text`: a case-insensitive "contains" that a pg_trgm GIN index can serve.

Django's `icontains` compiles to `UPPER(col::text) LIKE UPPER('%text%')` on PostgreSQL, which a
`gin (col gin_trgm_ops)` index cannot serve, so every fragment search read the whole table. This
lookup compiles to `col ILIKE '%text%'` there (the index's own operator); on other databases (the
embedded SQLite) it is plain `icontains`. LIKE's wildcards in the text are escaped either way.
"""

from django.db.models import CharField, ForeignKey, IntegerField, Lookup, TextField
from django.db.models.lookups import IContains, In


@CharField.register_lookup
@TextField.register_lookup
class TrigramContains(Lookup):
    lookup_name = "trgm_icontains"

    def as_sql(self, compiler, connection):
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        pattern = [f"%{connection.ops.prep_for_like_query(value)}%" for value in rhs_params]
        return f"{lhs_sql} ILIKE {rhs_sql}", (*lhs_params, *pattern)


@ForeignKey.register_lookup
@IntegerField.register_lookup
class AnyOf(Lookup):
    """`field__any_of=ids`: ``field = ANY(%s)`` with the ids as one array parameter on PostgreSQL.

    The visibility rule names the viewer's whole subtree of people in every query of a page (up to
    several hundred ids, once per owner field). As ``IN (%s, %s, ...)`` each id is a parameter that
    Django prepares and psycopg splices in one by one, for every query; one array parameter costs
    the same whatever the subtree's size, and PostgreSQL plans ``= ANY(array)`` as it plans an IN
    list. Other databases get the plain ``IN``.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            return "1 = 0", ()
        return In(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs_sql} = ANY(%s::bigint[])", (*lhs_params, self.rhs)


@ForeignKey.register_lookup
@IntegerField.register_lookup
class InArray(In):
    """`field__in_array=queryset`: ``field = ANY(ARRAY(subquery))`` on PostgreSQL, ``IN (subquery)`` elsewhere.

    The visibility rule ORs "owned by one of these people" with "shared with the viewer" (a subquery of
    shares). As ``pk IN (subquery)`` the second arm is a hashed subplan that no index serves, so the
    whole OR became a filter over every row of the company: a sales user's 351 accounts were found
    by reading all 33,000 (7.6 ms). ``ARRAY(subquery)`` runs once, before the scan, and
    ``pk = ANY(array)`` is an index condition: both arms are index scans joined by a BitmapOr (1.1 ms),
    and the planner estimates the rows the viewer sees (114 instead of 16,757), so the plans built on
    it (the contacts of those partners) are chosen for the right size. Same rows either way.
    """

    lookup_name = "in_array"

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} = ANY(ARRAY{rhs_sql})", (*lhs_params, *rhs_params)

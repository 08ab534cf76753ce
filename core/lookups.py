"""`field__trgm_icontains=text`: a case-insensitive "contains" that a pg_trgm GIN index can serve.

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

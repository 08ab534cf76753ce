"""`field__trgm_icontains=text`: a case-insensitive "contains" that a pg_trgm GIN index can serve.

Django's `icontains` compiles to `UPPER(col::text) LIKE UPPER('%text%')` on PostgreSQL, which a
`gin (col gin_trgm_ops)` index cannot serve, so every fragment search read the whole table. This
lookup compiles to `col ILIKE '%text%'` there (the index's own operator); on other databases (the
embedded SQLite) it is plain `icontains`. LIKE's wildcards in the text are escaped either way.
"""

from django.db.models import CharField, Lookup, TextField
from django.db.models.lookups import IContains


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

package store_test

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
)

// The SQLite and PostgreSQL migrations are written twice; they must describe
// the same schema: the same tables, columns, primary keys, foreign keys and
// unique keys (issue 12 item 6). Types differ by design and are not compared.
func TestSchemasStayInStep(t *testing.T) {
	t.Parallel()
	if len(storetest.Backends(t)) < 2 {
		t.Skip("needs PostgreSQL")
	}
	lite := schemaOf(t, storetest.Open(t, "sqlite"))
	pg := schemaOf(t, storetest.Open(t, "postgres"))
	for _, l := range lite {
		if !slices.Contains(pg, l) {
			t.Errorf("only in SQLite: %s", l)
		}
	}
	for _, p := range pg {
		if !slices.Contains(lite, p) {
			t.Errorf("only in PostgreSQL: %s", p)
		}
	}
	if len(lite) < 50 {
		t.Fatalf("the schema read is too small to be the real one: %v", lite)
	}
}

// schemaOf describes the schema as sorted lines: "table.column",
// "table primary key (a, b)", "table foreign key (a, b) -> other (c, d)",
// "table unique (a, b)".
func schemaOf(t *testing.T, db *store.DB) []string {
	t.Helper()
	q := func(query string, args ...any) [][]string {
		rows, err := db.SQL().Query(query, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out [][]string
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			row := make([]string, len(cols))
			for i, v := range vals {
				row[i] = v.String
			}
			out = append(out, row)
		}
		return out
	}
	var lines []string
	if db.Dialect() == "sqlite" {
		for _, tr := range q(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`) {
			table := tr[0]
			pk := map[int]string{}
			for _, c := range q(`SELECT name, pk FROM pragma_table_info(?)`, table) {
				lines = append(lines, table+"."+c[0])
				if c[1] != "0" {
					var n int
					fmt.Sscan(c[1], &n)
					pk[n] = c[0]
				}
			}
			var pkCols []string
			for i := 1; i <= len(pk); i++ {
				pkCols = append(pkCols, pk[i])
			}
			lines = append(lines, fmt.Sprintf("%s primary key (%s)", table, strings.Join(pkCols, ", ")))
			fks := map[string][3][]string{}
			var ids []string
			for _, f := range q(`SELECT id, "table", "from", "to" FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table) {
				e, ok := fks[f[0]]
				if !ok {
					ids = append(ids, f[0])
				}
				e[0] = []string{f[1]}
				e[1] = append(e[1], f[2])
				e[2] = append(e[2], f[3])
				fks[f[0]] = e
			}
			for _, id := range ids {
				e := fks[id]
				lines = append(lines, fmt.Sprintf("%s foreign key (%s) -> %s (%s)", table, strings.Join(e[1], ", "), e[0][0], strings.Join(e[2], ", ")))
			}
			for _, ix := range q(`SELECT name FROM pragma_index_list(?) WHERE "unique" = 1 AND origin = 'u'`, table) {
				var cols []string
				for _, c := range q(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`, ix[0]) {
					cols = append(cols, c[0])
				}
				lines = append(lines, fmt.Sprintf("%s unique (%s)", table, strings.Join(cols, ", ")))
			}
		}
	} else {
		for _, c := range q(`SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`) {
			lines = append(lines, c[0]+"."+c[1])
		}
		for _, c := range q(`SELECT c.conrelid::regclass::text, c.contype,
				(SELECT string_agg(a.attname, ', ' ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
					JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n),
				c.confrelid::regclass::text,
				(SELECT string_agg(a.attname, ', ' ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
					JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n)
			FROM pg_constraint c
			WHERE c.connamespace = current_schema()::regnamespace AND c.contype IN ('p', 'f', 'u')
				AND c.conrelid::regclass::text <> 'goose_db_version'`) {
			switch c[1] {
			case "p":
				lines = append(lines, fmt.Sprintf("%s primary key (%s)", c[0], c[2]))
			case "f":
				lines = append(lines, fmt.Sprintf("%s foreign key (%s) -> %s (%s)", c[0], c[2], c[3], c[4]))
			case "u":
				lines = append(lines, fmt.Sprintf("%s unique (%s)", c[0], c[2]))
			}
		}
	}
	slices.Sort(lines)
	return lines
}

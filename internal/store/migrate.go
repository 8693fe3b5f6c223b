package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"

	"github.com/upshot-app/upshot/internal/upshot"
)

// The migrations are the only per-database SQL. Each file runs in its own
// transaction (goose's default), so a failed migration leaves the schema as
// it was before it.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// NewerSchemaError refuses a database written by a newer Upshot: its schema
// may hold things this binary would misread or destroy, so nothing is touched.
type NewerSchemaError struct {
	Schema int64 // the database's schema version
	Known  int64 // the newest schema this Upshot knows
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("this database was written by a newer Upshot (schema %d); this Upshot knows up to %d — upgrade Upshot", e.Schema, e.Known)
}

// Unwrap lets upshot.ErrorCode and ErrorMessage see it as a conflict with a
// message fit to show.
func (e *NewerSchemaError) Unwrap() error {
	return upshot.Errorf(upshot.ECONFLICT, "db", "%s", e.Error())
}

func (db *DB) provider() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations/"+db.d.name)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(db.d.goose, db.db, fsys,
		goose.WithDisableGlobalRegistry(true),
		goose.WithLogger(goose.NopLogger()), // stdout belongs to the CLI (ids, JSON)
	)
}

// SchemaVersion returns the database's schema version and the newest one this
// binary knows.
func (db *DB) SchemaVersion(ctx context.Context) (current, known int64, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, fmt.Errorf("store: migrations: %w", err)
	}
	return schemaVersions(ctx, p)
}

func schemaVersions(ctx context.Context, p *goose.Provider) (current, known int64, err error) {
	for _, s := range p.ListSources() {
		known = max(known, s.Version)
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, known, fmt.Errorf("store: read the schema version: %w", err)
	}
	return current, known, nil
}

func (db *DB) migrate(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	current, known, err := schemaVersions(ctx, p)
	if err != nil {
		return err
	}
	if current > known {
		return &NewerSchemaError{Schema: current, Known: known}
	}
	if current == known {
		return nil
	}
	from := current
	for attempt := 1; ; attempt++ {
		_, err := p.Up(ctx)
		if err == nil {
			return nil
		}
		// Two processes opening a new database at once both try to migrate;
		// the loser fails on what the winner just made. If the schema is now
		// complete, that is success; if the winner is still between steps
		// (the schema moved since we looked), try the remaining ones again.
		now, _, verr := schemaVersions(ctx, p)
		if verr == nil && now == known {
			return nil
		}
		if verr == nil && now > current && attempt < 5 {
			current = now
			continue
		}
		return fmt.Errorf("store: upgrade the database schema from version %d to %d (nothing was changed by the failed step): %w", from, known, err)
	}
}

package store

import (
	"context"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Settings returns the values the owner has set; unset names are absent and
// take their defaults through upshot.Settings.Get.
func (db *DB) Settings(ctx context.Context, owner upshot.OwnerID) (upshot.Settings, error) {
	var s upshot.Settings
	err := db.read(ctx, func(t *tx) (err error) {
		s, err = listSettings(ctx, t, owner)
		return err
	})
	return s, err
}

func listSettings(ctx context.Context, t *tx, owner upshot.OwnerID) (upshot.Settings, error) {
	rows, err := t.query(ctx, `SELECT name, value FROM settings WHERE owner_id = ?`, int64(owner))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	s := upshot.Settings{}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return nil, err
		}
		s[upshot.SettingName(name)] = value
	}
	return s, rows.Err()
}

// SetSetting stores a value in its canonical form after upshot.CheckSetting
// (a name typed from input is checked there too).
func (db *DB) SetSetting(ctx context.Context, owner upshot.OwnerID, name upshot.SettingName, value string) error {
	return db.SetSettings(ctx, owner, []upshot.SettingChange{{Name: name, Value: value}})
}

// SetSettings stores several values in one transaction, each in its
// canonical form after upshot.CheckSetting: all of them, or none when any is
// refused or the write fails (a form of several settings never saves part of
// itself).
func (db *DB) SetSettings(ctx context.Context, owner upshot.OwnerID, changes []upshot.SettingChange) error {
	values := make([]string, len(changes))
	for i, c := range changes {
		v, err := upshot.CheckSetting(string(c.Name), c.Value)
		if err != nil {
			return err
		}
		values[i] = v
	}
	return db.write(ctx, owner, func(t *tx) error {
		if err := requireOwner(ctx, t, owner); err != nil {
			return err
		}
		for i, c := range changes {
			if err := putSetting(ctx, t, owner, c.Name, values[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

func putSetting(ctx context.Context, t *tx, owner upshot.OwnerID, name upshot.SettingName, value string) error {
	_, err := t.exec(ctx, `INSERT INTO settings (owner_id, name, value) VALUES (?, ?, ?)
		ON CONFLICT (owner_id, name) DO UPDATE SET value = excluded.value`, int64(owner), string(name), value)
	return err
}

// UnsetSetting restores the default. Unsetting a known setting that was not
// set is not an error: the outcome the person asked for holds.
func (db *DB) UnsetSetting(ctx context.Context, owner upshot.OwnerID, name upshot.SettingName) error {
	if _, ok := upshot.LookupSetting(string(name)); !ok {
		_, err := upshot.CheckSetting(string(name), "")
		return err
	}
	return db.write(ctx, owner, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM settings WHERE owner_id = ? AND name = ?`, int64(owner), string(name))
		return err
	})
}

// requireOwner turns a write for an unknown owner into a clear error instead
// of a foreign-key failure.
func requireOwner(ctx context.Context, t *tx, owner upshot.OwnerID) error {
	n, err := count(ctx, t, `SELECT COUNT(*) FROM users WHERE id = ?`, int64(owner))
	if err != nil {
		return err
	}
	if n == 0 {
		return noOwner(owner)
	}
	return nil
}

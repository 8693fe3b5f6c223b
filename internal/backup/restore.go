package backup

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Restore verifies the backup completely (as Verify) and only then loads it
// into dst, which must hold no therapists, goals, sessions or check-ins for
// anyone (ECONFLICT otherwise, with dst untouched). Each person keeps their
// user id, record ids, record meta, settings, instrument definitions and id
// counters, so ids deleted before the backup are never handed out again.
//
// All or nothing: store.Restore loads every person in one transaction, which
// also keeps a second restore or import into dst at the same time from
// merging with this one.
//
// Its working copy goes into work, as for Verify.
func Restore(ctx context.Context, r io.Reader, passphrase, work string, dst *store.DB) (Info, error) {
	v, err := open(ctx, r, passphrase, work, dst.Clock())
	if err != nil {
		return Info{}, refused(err)
	}
	defer v.close()

	// First pass: every person checked before anything is written.
	info := v.info
	err = v.each(ctx, func(o *owner) error {
		info.Owners++
		info.Counts.add(o.snap)
		return nil
	})
	if err != nil {
		return Info{}, refused(err)
	}
	// Second pass: the same people, in the same order, into dst.
	err = dst.Restore(ctx, func(put func(store.Person) error) error {
		return v.each(ctx, func(o *owner) error {
			return put(store.Person{Owner: o.user, Counters: o.counters, Snapshot: o.snap})
		})
	})
	if err != nil {
		return Info{}, refused(err)
	}
	return info, nil
}

// refused adds to a refusal meant for people that nothing was written.
func refused(err error) error {
	var ue *upshot.Error
	if !errors.As(err, &ue) || strings.Contains(ue.Message, "nothing was restored") {
		return err
	}
	return &wrapped{upshot.Errorf(ue.Code, ue.Field, "%s; nothing was restored", ue.Message), err}
}

// wrapped shows a domain error to people while keeping the cause in the chain.
type wrapped struct {
	public *upshot.Error
	cause  error
}

func (w *wrapped) Error() string   { return w.public.Error() }
func (w *wrapped) Unwrap() []error { return []error{w.public, w.cause} }

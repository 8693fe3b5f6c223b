package upshot

import (
	"context"
	"time"
)

// The services below are implemented by internal/store on SQLite and
// PostgreSQL. Every method takes the owner explicitly: no query can forget whose
// records it touches. Not found is an ENOTFOUND error, never a nil record.
// Create fills in ID and Meta; Update requires the Version last read and fails
// with ECONFLICT when someone else changed the record since.

type TherapistService interface {
	CreateTherapist(ctx context.Context, owner OwnerID, t *Therapist) error
	FindTherapist(ctx context.Context, owner OwnerID, id int64) (*Therapist, error)
	ListTherapists(ctx context.Context, owner OwnerID) ([]*Therapist, error)
	UpdateTherapist(ctx context.Context, owner OwnerID, t *Therapist) error
	// DeleteTherapist refuses (ECONFLICT) while sessions with them exist.
	DeleteTherapist(ctx context.Context, owner OwnerID, id int64) error
}

type GoalService interface {
	CreateGoal(ctx context.Context, owner OwnerID, g *Goal) error
	FindGoal(ctx context.Context, owner OwnerID, id int64) (*Goal, error)
	ListGoals(ctx context.Context, owner OwnerID) ([]*Goal, error)
	UpdateGoal(ctx context.Context, owner OwnerID, g *Goal) error
	// DeleteGoal refuses (ECONFLICT) while sessions address it.
	DeleteGoal(ctx context.Context, owner OwnerID, id int64) error
}

// SessionFilter narrows ListSessions; zero fields do not filter.
type SessionFilter struct {
	TherapistID int64
	Since       Date
}

type SessionService interface {
	// CreateSession checks that the therapist and every goal exist for this owner.
	CreateSession(ctx context.Context, owner OwnerID, s *Session) error
	FindSession(ctx context.Context, owner OwnerID, id int64) (*Session, error)
	// ListSessions returns sessions by date, then id.
	ListSessions(ctx context.Context, owner OwnerID, f SessionFilter) ([]*Session, error)
	UpdateSession(ctx context.Context, owner OwnerID, s *Session) error
	DeleteSession(ctx context.Context, owner OwnerID, id int64) error
}

// CheckInFilter narrows ListCheckIns; zero fields do not filter.
type CheckInFilter struct {
	Instrument string
	Since      Date
}

type CheckInService interface {
	// CreateCheckIn stores the check-in and, if not yet stored, the definition
	// it was answered against. The caller has validated the answers with it.
	CreateCheckIn(ctx context.Context, owner OwnerID, c *CheckIn, def Definition) error
	FindCheckIn(ctx context.Context, owner OwnerID, id int64) (*CheckIn, error)
	// ListCheckIns returns check-ins by date, then id.
	ListCheckIns(ctx context.Context, owner OwnerID, f CheckInFilter) ([]*CheckIn, error)
	// UpdateCheckIn corrects a check-in's date or answers, refusing a stale
	// Version. Its instrument and definition version cannot change; the
	// caller checks the answers against that definition.
	UpdateCheckIn(ctx context.Context, owner OwnerID, c *CheckIn) error
	DeleteCheckIn(ctx context.Context, owner OwnerID, id int64) error
	// Definitions returns every instrument definition version check-ins were answered against.
	Definitions(ctx context.Context, owner OwnerID) ([]Definition, error)
}

type SettingService interface {
	Settings(ctx context.Context, owner OwnerID) (Settings, error)
	// SetSetting validates with CheckSetting before writing.
	SetSetting(ctx context.Context, owner OwnerID, name SettingName, value string) error
	// SetSettings writes several in one transaction: all, or none.
	SetSettings(ctx context.Context, owner OwnerID, changes []SettingChange) error
	UnsetSetting(ctx context.Context, owner OwnerID, name SettingName) error
}

// SafetyPlanService keeps the owner's one safety plan.
type SafetyPlanService interface {
	// SafetyPlan returns the owner's plan: an empty one at version 0 before
	// the first save (not an error: everyone may have a plan).
	SafetyPlan(ctx context.Context, owner OwnerID) (*SafetyPlan, error)
	// PutSafetyPlan replaces the whole plan after Validate. p.Version is the
	// version last read (0 when there was none); a stale one is ECONFLICT.
	PutSafetyPlan(ctx context.Context, owner OwnerID, p *SafetyPlan) error
}

// KeptRecords is what ExportWithoutNotesReusing returns to be handed back
// to it; only the store that made it knows what it holds.
type KeptRecords any

// AgendaService keeps the things the person wants to raise. What became of
// an item at a session is stored with the session (Session.AgendaItems).
type AgendaService interface {
	CreateAgendaItem(ctx context.Context, owner OwnerID, a *AgendaItem) error
	FindAgendaItem(ctx context.Context, owner OwnerID, id int64) (*AgendaItem, error)
	ListAgendaItems(ctx context.Context, owner OwnerID) ([]*AgendaItem, error)
	UpdateAgendaItem(ctx context.Context, owner OwnerID, a *AgendaItem) error
	// DeleteAgendaItem refuses (ECONFLICT) while sessions record a mark on
	// it: its history is kept; drop it instead.
	DeleteAgendaItem(ctx context.Context, owner OwnerID, id int64) error
}

// SnapshotService reads or writes everything an owner has in one transaction.
type SnapshotService interface {
	Export(ctx context.Context, owner OwnerID) (*Snapshot, error)
	// ExportWithoutNotes is Export with every session's note empty, for
	// views that show no note (the dashboard): less to read and hold.
	ExportWithoutNotes(ctx context.Context, owner OwnerID) (*Snapshot, error)
	// ExportWithoutNotesReusing is ExportWithoutNotes for a view rendered
	// again and again (the dashboard): it takes the sessions and check-ins
	// from kept, what an earlier call returned for the same owner (nil for
	// none), when they have not changed since, and returns what to keep for
	// the next call. The records in the snapshot are shared with kept and
	// must not be changed.
	ExportWithoutNotesReusing(ctx context.Context, owner OwnerID, kept KeptRecords) (*Snapshot, KeptRecords, error)
	// Import loads a validated snapshot into an owner with no records yet,
	// keeping its ids, all or nothing. It refuses (ECONFLICT) a non-empty owner.
	Import(ctx context.Context, owner OwnerID, s *Snapshot) error
}

// RevisionService tells cheaply whether an owner's records changed.
type RevisionService interface {
	// Revision changes with every committed write to the owner's records, by
	// this process or another on the same database. Read it before the
	// records a cache is built from, so a write in between reads as stale.
	Revision(ctx context.Context, owner OwnerID) (int64, error)
}

// Store is everything a front end needs from storage.
type Store interface {
	TherapistService
	GoalService
	SessionService
	CheckInService
	SettingService
	SafetyPlanService
	CalendarFeedService
	AgendaService
	SnapshotService
	RevisionService
	IdempotencyService
	ChangeService
	Close() error
}

// IdempotencyService keeps the answers to POSTs sent with an
// Idempotency-Key (see store.BeginIdempotent).
type IdempotencyService interface {
	BeginIdempotent(ctx context.Context, owner OwnerID, key, requestHash string, ttl time.Duration) (*IdempotentAnswer, error)
	FinishIdempotent(ctx context.Context, owner OwnerID, key string, answer IdempotentAnswer) error
	AbandonIdempotent(ctx context.Context, owner OwnerID, key string) error
}

// IdempotentAnswer is what is kept for an Idempotency-Key: the hash of the
// request that first used it and, once answered, its answer (Status 0
// while the first request is still being answered). RecordKind and
// RecordID name the record the request created (a Kind* constant; "" and
// 0 while none is), written in the transaction that created it, before
// the answer is built and kept: a key with a record and no answer is a
// request whose server stopped in between, answered again from the record.
type IdempotentAnswer struct {
	RequestHash string
	Status      int
	Location    string
	ETag        string
	Body        string
	CreatedAt   time.Time
	RecordKind  string
	RecordID    int64
}

type idempotencyKeyKey struct{}

// WithIdempotencyKey marks ctx as carrying the request that claimed key
// (IdempotencyService.BeginIdempotent): the record a create run with ctx
// writes is noted on the key in the same transaction, so that the record
// and its key are committed together or not at all, and a retry with the
// key never records it twice. The use cases pass ctx through unchanged;
// only the store reads it.
func WithIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, idempotencyKeyKey{}, key)
}

// IdempotencyKey is the key WithIdempotencyKey gave ctx, or "".
func IdempotencyKey(ctx context.Context) string {
	k, _ := ctx.Value(idempotencyKeyKey{}).(string)
	return k
}

// Clock gives the current time; tests and the demo substitute a fixed one.
type Clock func() time.Time

// ChangeQuery asks for one page of an owner's records in the order they
// last changed (updated_at, then id): those changed after Since, after the
// record (AfterAt, AfterID) that ended the page before, at most Limit of
// them (0: all). A client that pages to the end and remembers the last
// updated_at it saw asks for what changed since then next time.
type ChangeQuery struct {
	Since   time.Time
	AfterAt time.Time
	AfterID int64
	// AfterKind is the kind of the last tombstone of a page of deletions of
	// every kind, which are in the order deleted_at, kind, id.
	AfterKind string
	Limit     int
}

// Tombstone says that a record was deleted, and when.
type Tombstone struct {
	Kind      string    `json:"kind"`
	ID        int64     `json:"id"`
	DeletedAt time.Time `json:"deleted_at"`
}

// The kinds of record a tombstone names.
const (
	KindTherapist  = "therapist"
	KindGoal       = "goal"
	KindSession    = "session"
	KindCheckIn    = "checkin"
	KindAgendaItem = "agenda_item"
)

// ChangeService lists records by time of change, and the deletions.
type ChangeService interface {
	TherapistChanges(ctx context.Context, owner OwnerID, q ChangeQuery) ([]*Therapist, error)
	GoalChanges(ctx context.Context, owner OwnerID, q ChangeQuery) ([]*Goal, error)
	SessionChanges(ctx context.Context, owner OwnerID, q ChangeQuery) ([]*Session, error)
	CheckInChanges(ctx context.Context, owner OwnerID, q ChangeQuery) ([]*CheckIn, error)
	// CheckInChangesScorable is CheckInChanges with what scoring the page
	// takes, read at once: the check-ins not on the page that its
	// check-ins are compared with (the first of each one's instrument and
	// the one just before it, by date and then id), and the owner's stored
	// definitions.
	CheckInChangesScorable(ctx context.Context, owner OwnerID, q ChangeQuery) (page, earlier []*CheckIn, defs []Definition, err error)
	AgendaItemChanges(ctx context.Context, owner OwnerID, q ChangeQuery) ([]*AgendaItem, error)
	// Tombstones lists the deletions of one kind (every kind for "") after
	// q.Since, in the order they happened (deleted_at, then kind and id),
	// paged as records are.
	Tombstones(ctx context.Context, owner OwnerID, kind string, q ChangeQuery) ([]Tombstone, error)
}

type expectedVersionKey struct{}

// WithExpectedVersion asks the delete run with ctx to delete the record only
// while it is at version v (HTTP If-Match): a change made in between is a
// conflict on version, not lost under the deletion.
func WithExpectedVersion(ctx context.Context, v int) context.Context {
	return context.WithValue(ctx, expectedVersionKey{}, v)
}

// ExpectedVersion is the version WithExpectedVersion gave ctx, or 0.
func ExpectedVersion(ctx context.Context) int {
	v, _ := ctx.Value(expectedVersionKey{}).(int)
	return v
}

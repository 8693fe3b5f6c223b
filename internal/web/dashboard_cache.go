package web

import (
	"context"
	"fmt"
	"html/template"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/upshot-app/upshot/internal/upshot"
)

// The dashboard is the page people open most and the costliest to make: it
// reads every record, runs the review and draws the charts. It changes only
// when the records change or the day does, so it is rendered once per
// (owner, revision, date) and kept; a repeat visit costs one small query for
// the revision. The page is sent with no-store like every other private
// page: a therapy record is not left in the browser's cache, and the cache
// here is what makes a repeat visit cheap.
//
// Everything else the page depends on is fixed for the life of the process:
// the templates and the static files' hashed URLs, the instrument registry
// (custom instruments are loaded at start), which database is open.
// Settings are stored records, so changing one moves the revision too.

// maxCachedDashboards bounds the cache's memory: one page per owner (about
// 0.3 MB with a ten-year record, the page and its main part), for at most
// this many owners, the least recently used leaving first. A hosted instance
// with more people renders for those beyond it, as it did without a cache.
const maxCachedDashboards = 32

// dashboardRenderTimeout bounds a render that requests share: it runs on
// after the request that started it goes away, so that the others waiting
// for it, and the next visit, still get the page.
const dashboardRenderTimeout = time.Minute

// pageKey is everything a rendered dashboard depends on that can change
// while the server runs.
type pageKey struct {
	owner    upshot.OwnerID
	revision int64
	today    upshot.Date
}

func (k pageKey) String() string {
	return strconv.FormatInt(int64(k.owner), 10) + "/" + strconv.FormatInt(k.revision, 10) + "/" + k.today.String()
}

// renderedPage is one owner's dashboard for one key.
type renderedPage struct {
	key  pageKey
	main template.HTML // the page's own part, for a request that adds a flash
	page []byte        // the whole page without a flash, sent as it is
	used uint64        // when it was last served, on the cache's own counter
}

// maxConcurrentRenders bounds how many dashboards render at once across
// owners: a render of a long record holds every record in memory while it
// runs, so overlapping renders, not the pages kept, are what a busy server's
// memory follows. Two keep both cores of a small machine busy.
const maxConcurrentRenders = 2

// pageCache keeps the latest rendered dashboard of each owner. Safe for
// concurrent use. Each owner has at most one render running: requests that
// miss while it runs wait for it, and take its page when it was rendered at
// the revision they read or a later one; those that read a later revision
// than it started from share the next render between them. So a flood of
// writes and reads renders one page after another per owner, never one per
// request at once.
type pageCache struct {
	mu      sync.Mutex
	max     int
	tick    uint64
	pages   map[upshot.OwnerID]*renderedPage
	renders singleflight.Group // keyed by owner
	slots   chan struct{}      // a token per render running, up to maxConcurrentRenders
	waits   map[upshot.OwnerID]int
}

func newPageCache(max int) *pageCache {
	return &pageCache{max: max, pages: map[upshot.OwnerID]*renderedPage{},
		slots: make(chan struct{}, maxConcurrentRenders), waits: map[upshot.OwnerID]int{}}
}

// pageRender renders owner's dashboard for today from the records as
// they are when it starts; the key of the page it returns holds the revision
// it read before reading the records.
type pageRender func(ctx context.Context, owner upshot.OwnerID, today upshot.Date) (*renderedPage, error)

// get returns a dashboard of key's owner and day that is at least as recent
// as key's revision, rendering one with render when the cache holds none.
func (c *pageCache) get(ctx context.Context, key pageKey, render pageRender) (*renderedPage, error) {
	for {
		if p := c.lookup(key); p != nil {
			return p, nil
		}
		ch := c.renders.DoChan(strconv.FormatInt(int64(key.owner), 10), func() (v any, err error) {
			// singleflight re-panics a panic where no handler can recover it,
			// which would end the server; a failed render is an error page.
			defer func() {
				if x := recover(); x != nil {
					err = fmt.Errorf("web: dashboard render panicked: %v", x)
				}
			}()
			// A render for this key may have finished between the lookup
			// above and this call.
			if p := c.lookup(key); p != nil {
				return p, nil
			}
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dashboardRenderTimeout)
			defer cancel()
			select {
			case c.slots <- struct{}{}:
				defer func() { <-c.slots }()
			case <-rctx.Done():
				return nil, rctx.Err()
			}
			p, err := render(rctx, key.owner, key.today)
			if err != nil {
				return nil, err
			}
			c.put(p)
			return p, nil
		})
		c.wait(key.owner, 1)
		var res singleflight.Result
		select {
		case <-ctx.Done():
			c.wait(key.owner, -1)
			return nil, ctx.Err()
		case res = <-ch:
			c.wait(key.owner, -1)
		}
		if res.Err != nil {
			return nil, res.Err
		}
		if p := res.Val.(*renderedPage); p.serves(key) {
			return p, nil
		}
		// The render this request joined started before the write it saw:
		// the next one, which starts after it, answers.
	}
}

// wait counts the requests waiting for a render of owner's page.
func (c *pageCache) wait(owner upshot.OwnerID, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.waits[owner] += n; c.waits[owner] == 0 {
		delete(c.waits, owner)
	}
}

// waiting returns how many requests wait for a render of owner's page.
func (c *pageCache) waiting(owner upshot.OwnerID) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waits[owner]
}

// serves reports whether p may answer a request that read key: the same
// owner and day, rendered at key's revision or after it.
func (p *renderedPage) serves(key pageKey) bool {
	return p.key.owner == key.owner && p.key.today == key.today && p.key.revision >= key.revision
}

// lookup returns the owner's page if it serves key.
func (c *pageCache) lookup(key pageKey) *renderedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pages[key.owner]
	if !ok || !p.serves(key) {
		return nil
	}
	c.tick++
	p.used = c.tick
	return p
}

// put keeps p as its owner's page, replacing the owner's older one; when the
// cache is full, the least recently served owner's page leaves.
func (c *pageCache) put(p *renderedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.pages[p.key.owner]; ok && old.key.today == p.key.today && old.key.revision > p.key.revision {
		return // a newer page is kept already
	} else if !ok && len(c.pages) >= c.max {
		var oldest *renderedPage
		for _, q := range c.pages {
			if oldest == nil || q.used < oldest.used {
				oldest = q
			}
		}
		delete(c.pages, oldest.key.owner)
	}
	c.tick++
	p.used = c.tick
	c.pages[p.key.owner] = p
}

// keptRecords holds, per owner, what the store returned to be handed back at
// the next render (upshot.KeptRecords): the sessions and check-ins of the
// last render, which a render after a change that did not touch them takes
// instead of reading them again. Bounded like the pages: at most
// maxCachedDashboards owners (about 5 MB each with thirty years of weekly
// records), one leaving when another comes.
type keptRecords struct {
	mu  sync.Mutex
	max int
	by  map[upshot.OwnerID]upshot.KeptRecords
}

func newKeptRecords(max int) *keptRecords {
	return &keptRecords{max: max, by: map[upshot.OwnerID]upshot.KeptRecords{}}
}

func (k *keptRecords) get(owner upshot.OwnerID) upshot.KeptRecords {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.by[owner]
}

func (k *keptRecords) put(owner upshot.OwnerID, kept upshot.KeptRecords) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.by[owner]; !ok && len(k.by) >= k.max {
		for o := range k.by {
			delete(k.by, o)
			break
		}
	}
	k.by[owner] = kept
}

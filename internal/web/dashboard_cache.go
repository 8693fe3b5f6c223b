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

// dashboardKey is everything a rendered dashboard depends on that can change
// while the server runs.
type dashboardKey struct {
	owner    upshot.OwnerID
	revision int64
	today    upshot.Date
}

func (k dashboardKey) String() string {
	return strconv.FormatInt(int64(k.owner), 10) + "/" + strconv.FormatInt(k.revision, 10) + "/" + k.today.String()
}

// renderedDashboard is one owner's dashboard for one key.
type renderedDashboard struct {
	key  dashboardKey
	main template.HTML // the page's own part, for a request that adds a flash
	page []byte        // the whole page without a flash, sent as it is
	used uint64        // when it was last served, on the cache's own counter
}

// dashboardCache keeps the latest rendered dashboard of each owner. Safe for
// concurrent use; concurrent requests that miss render once between them.
type dashboardCache struct {
	mu      sync.Mutex
	max     int
	tick    uint64
	pages   map[upshot.OwnerID]*renderedDashboard
	renders singleflight.Group
}

func newDashboardCache(max int) *dashboardCache {
	return &dashboardCache{max: max, pages: map[upshot.OwnerID]*renderedDashboard{}}
}

// get returns the dashboard for key, rendering it with render when the
// cache holds none for exactly that key.
func (c *dashboardCache) get(ctx context.Context, key dashboardKey,
	render func(context.Context, dashboardKey) (*renderedDashboard, error)) (*renderedDashboard, error) {
	if p := c.lookup(key); p != nil {
		return p, nil
	}
	ch := c.renders.DoChan(key.String(), func() (v any, err error) {
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
		p, err := render(rctx, key)
		if err != nil {
			return nil, err
		}
		c.put(p)
		return p, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*renderedDashboard), nil
	}
}

// lookup returns the owner's page if it was rendered for exactly key.
func (c *dashboardCache) lookup(key dashboardKey) *renderedDashboard {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pages[key.owner]
	if !ok || p.key != key {
		return nil
	}
	c.tick++
	p.used = c.tick
	return p
}

// put keeps p as its owner's page, replacing the owner's older one; when the
// cache is full, the least recently served owner's page leaves.
func (c *dashboardCache) put(p *renderedDashboard) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.pages[p.key.owner]; !ok && len(c.pages) >= c.max {
		var oldest *renderedDashboard
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

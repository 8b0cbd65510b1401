package httpx

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Page is one page of a list, as a vendor client read it.
type Page[T any] struct {
	Items []T
	More  bool // the vendor's own signal that another page follows
}

// maxPages stops a vendor that never signals the end from looping forever.
const maxPages = 100000

// Collect reads pages first, first+1, … until fetch says there are no more.
// Each vendor decides "more" its own way: HaloPSA by record_count, IT Glue by
// meta.next-page, Hudu by an empty page, Liongard v2 by HasMoreRows.
//
// A vendor that answers a page it already gave (it ignores the page
// parameter) would be read until the deadline: that is an error at once.
//
// Records are keyed by their id (a field tagged json:"id" or "ID"): a
// record a later page repeats unchanged — an offset list that shifted
// because a record was added while it was read — is kept once, so no sum
// over the list counts it twice; one repeated with other values moved or
// changed mid-read, and the read is refused.
func Collect[T any](ctx context.Context, first int, fetch func(ctx context.Context, page int) (Page[T], error)) ([]T, error) {
	var all []T
	seen := map[[sha256.Size]byte]int{}
	id := idField[T]()
	byID := map[string]int{} // id -> index in all
	for page := first; page < first+maxPages; page++ {
		if err := ctx.Err(); err != nil {
			return all, err
		}
		p, err := fetch(ctx, page)
		if err != nil {
			return all, err
		}
		if len(p.Items) > 0 {
			raw, _ := json.Marshal(p.Items)
			sum := sha256.Sum256(raw)
			if before, again := seen[sum]; again {
				return all, fmt.Errorf("%w: page %d is the same as page %d: the server does not page this list as its API says (it ignores the page asked for); nothing more was read",
					ErrUnexpected, page, before)
			}
			seen[sum] = page
		}
		for _, item := range p.Items {
			if id == nil {
				all = append(all, item)
				continue
			}
			key := id(item)
			if at, again := byID[key]; again {
				if !reflect.DeepEqual(all[at], item) {
					return all, fmt.Errorf("%w: record %s came twice with different values while its list was read, page by page (it changed or moved meanwhile); nothing was used: read it again",
						ErrUnexpected, key)
				}
				continue // the page overlaps the one before: counted once
			}
			byID[key] = len(all)
			all = append(all, item)
		}
		reportPage(ctx, page-first+1, len(all))
		if !p.More {
			return all, nil
		}
	}
	return all, fmt.Errorf("gave up after %d pages: the server never signalled the last page", maxPages)
}

// PageReporter is told after each page of a list: how many pages and
// items so far.
type PageReporter func(pages, items int)

type pageKey struct{}

// WithPageReporter makes every list read under ctx report its progress.
func WithPageReporter(ctx context.Context, r PageReporter) context.Context {
	return context.WithValue(ctx, pageKey{}, r)
}

func reportPage(ctx context.Context, pages, items int) {
	if r, ok := ctx.Value(pageKey{}).(PageReporter); ok && r != nil {
		r(pages, items)
	}
}

// Keyed records say their own key where no single field is their id (a
// metric's value is one per metric and system).
type Keyed interface{ RecordKey() string }

// idField reads a record's id: its RecordKey, or the field of a struct
// type whose JSON name is "id" (any case); nil for types without one.
func idField[T any]() func(T) string {
	t := reflect.TypeFor[T]()
	if t.Implements(reflect.TypeFor[Keyed]()) {
		return func(v T) string { return any(v).(Keyed).RecordKey() }
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !strings.EqualFold(name, "id") {
			continue
		}
		return func(v T) string { return fmt.Sprint(reflect.ValueOf(v).Field(i).Interface()) }
	}
	return nil
}

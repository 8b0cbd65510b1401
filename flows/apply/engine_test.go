package apply_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/apply"
	"github.com/mspwire/mspwire/flows/change"
	"github.com/mspwire/mspwire/flows/crash"
	"github.com/mspwire/mspwire/store"
)

// The engine carries any plan kind to any system: this file makes up
// both. Stampbox is a vendor that keeps stamps (one per key) and sometimes
// loses its answer after keeping one; the throw-away plan kind asks for
// 90 stamps. Nothing here is onboarding, or one of the four vendors.

const (
	stampKind  change.Kind     = "stamp"
	throwaway  change.PlanKind = "throwaway"
	stampboxID                 = "stampbox"
	stampCount                 = 90
)

// stampbox is the vendor, on loopback.
type stampbox struct {
	mu     sync.Mutex
	stamps map[string]int // key -> times stamped
	posts  int
	lose   int // answers to lose, one per POST, after stamping
	// hold, while set, keeps the next POST waiting: started is closed
	// when it arrives, and it goes on once release is.
	hold *struct{ started, release chan struct{} }
	srv  *httptest.Server
}

// sent is how many POSTs the box answered, or took and lost.
func (b *stampbox) sent() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.posts
}

// holdNextPost keeps the next POST waiting until release is closed.
func (b *stampbox) holdNextPost() (started, release chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.hold = &struct{ started, release chan struct{} }{make(chan struct{}), make(chan struct{})}
	return b.hold.started, b.hold.release
}

func newStampbox(t *testing.T, lose int) *stampbox {
	b := &stampbox{stamps: map[string]int{}, lose: lose}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		if h := b.hold; h != nil && r.Method == http.MethodPost {
			b.hold = nil
			b.mu.Unlock()
			close(h.started)
			<-h.release
			b.mu.Lock()
		}
		defer b.mu.Unlock()
		switch r.Method {
		case http.MethodGet:
			_ = json.NewEncoder(w).Encode(b.stamps)
		case http.MethodPost:
			var keys []string
			_ = json.NewDecoder(r.Body).Decode(&keys)
			b.posts++
			for _, k := range keys {
				b.stamps[k]++
			}
			if b.lose > 0 {
				b.lose--
				panic(http.ErrAbortHandler) // stamped, and the answer never arrives
			}
			_ = json.NewEncoder(w).Encode(keys)
		}
	}))
	t.Cleanup(b.srv.Close)
	return b
}

// stampAdapter is Stampbox's adapter: no credentials, one executor.
type stampAdapter struct{ url string }

func (stampAdapter) Info() adapter.Info {
	return adapter.Info{ID: stampboxID, Name: "Stampbox", Record: "stamp", Records: "stamps"}
}
func (stampAdapter) Verify(context.Context, adapter.Values, string) (adapter.Verified, error) {
	return adapter.Verified{}, nil
}
func (stampAdapter) Open(adapter.Values, string) (any, error) { return nil, nil }
func (a stampAdapter) Executors(*adapter.Clients) map[change.Kind]adapter.Executor {
	return map[change.Kind]adapter.Executor{stampKind: stamper(a)}
}

// stamper stamps three keys a call, and looks a lost answer up in the list.
type stamper struct{ url string }

func (stamper) Batch() int { return 3 }

func (s stamper) Send(ctx context.Context, _ adapter.Run, actions []store.Action) []adapter.Outcome {
	keys := make([]string, len(actions))
	for i, a := range actions {
		keys[i] = string(a.Key)
	}
	body, _ := json.Marshal(keys)
	out := make([]adapter.Outcome, len(actions))
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
	}
	for i := range out {
		out[i] = adapter.Outcome{ExternalID: keys[i], Err: err}
	}
	return out
}

func (s stamper) Look(ctx context.Context, _ adapter.Run, actions []store.Action) (map[int64]string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var stamps map[string]int
	if err := json.NewDecoder(resp.Body).Decode(&stamps); err != nil {
		return nil, err
	}
	landed := map[int64]string{}
	for _, a := range actions {
		if stamps[string(a.Key)] > 0 {
			landed[a.ID] = string(a.Key)
		}
	}
	return landed, nil
}

// stamps is the throw-away plan kind's producer: 90 stamps, always fresh.
type stamps struct{}

func (stamps) Kind() change.PlanKind { return throwaway }
func (stamps) Produce(context.Context) (change.Proposal, error) {
	var p change.Proposal
	for i := range stampCount {
		p.Actions = append(p.Actions, change.Draft{Kind: stampKind, System: stampboxID, Target: "stamp",
			Key: change.Key(fmt.Sprintf("stamp:stampbox:%02d", i)), Summary: fmt.Sprintf("stamp %02d", i), Payload: struct{}{}})
	}
	return p, nil
}
func (stamps) Stale(context.Context, store.Plan) ([]string, error) { return nil, nil }

func stampEngine(st *store.Store, profile string) apply.Env {
	env := apply.EnvOf(st, profile, adapter.NewClients(st, nil, profile))
	env.LandWindow = 300 * time.Millisecond // a stamp killed before it was sent is not waited for long
	env.Producer = func(p store.Plan) (change.Producer, error) {
		if p.Kind == throwaway {
			return stamps{}, nil
		}
		return nil, errors.New("not this test's kind")
	}
	return env
}

// A plan kind and an executor the engine has never heard of, made up in
// this file, go through the same apply as onboarding: killed with SIGKILL
// over and over — journaled in flight, answered, written — and with
// answers lost after the stamp landed; each run takes over the dead one's
// lease and looks before it sends. Every stamp lands once, and a second
// apply sends nothing.
func TestAThrowAwayPlanKindIsKilledAndResumedWithoutDuplicates(t *testing.T) {
	if !crash.Enabled {
		t.Skip("needs the crash points: go test -tags crashpoints (make test sets it)")
	}
	box := newStampbox(t, 3)
	t.Cleanup(adapter.Register(stampAdapter{box.srv.URL}))
	dir, profile := t.TempDir(), "stamps"
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.EnsureProfile(ctx, profile); err != nil {
		t.Fatal(err)
	}
	env := stampEngine(st, profile)
	p, actions, err := apply.Make(ctx, env, stamps{}, "operator:test")
	if err != nil || len(actions) != stampCount || p.Kind != throwaway {
		t.Fatalf("plan %+v, %d actions: %v", p, len(actions), err)
	}
	s, err := apply.Prepare(ctx, env, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Confirm(ctx, " YES ", "operator:test"); err != nil {
		t.Fatal(err)
	}

	points := []string{"in_flight#1", "reply#1", "done#1", "reply#2", "in_flight#2", "done#2", "reply#3"}
	kills := 0
	for run := 0; ; run++ {
		if run > 40 {
			t.Fatalf("not finished after %d runs", run)
		}
		point := ""
		if kills < 12 {
			point = points[run%len(points)]
		}
		child := exec.Command(os.Args[0], "-test.run=^TestStampChild$")
		child.Env = append(os.Environ(), "STAMP_CHILD_DIR="+dir, "STAMP_CHILD_URL="+box.srv.URL, "MSPWIRE_TEST_CRASH_AFTER="+point, "GORACE=atexit_sleep_ms=0")
		out, err := child.CombinedOutput()
		var exit *exec.ExitError
		if errors.As(err, &exit) && !exit.Exited() {
			kills++
			continue
		}
		if err != nil {
			t.Fatalf("run %d (crash at %q): %v\n%s", run, point, err, out)
		}
		break
	}
	var twice []string
	for k, n := range box.stamps {
		if n != 1 {
			twice = append(twice, fmt.Sprintf("%s×%d", k, n))
		}
	}
	sort.Strings(twice)
	if len(box.stamps) != stampCount || len(twice) > 0 {
		t.Fatalf("%d stamps, made more than once: %v", len(box.stamps), twice)
	}
	posts := box.posts
	res, err := apply.RunPlan(ctx, env, p.ID, apply.Options{Actor: "operator:test"})
	if err != nil || !res.AlreadyApplied || box.posts != posts {
		t.Fatalf("a second apply: %+v %v, %d more posts", res, err, box.posts-posts)
	}
	t.Logf("%d kills; %d posts for %d stamps in batches of 3", kills, posts, stampCount)
	// How far each killed run gets depends on the machine's pace (four
	// workers race the crash point), so the count of kills varies; a few
	// prove the resume was exercised.
	if kills < 4 {
		t.Fatalf("only %d kills", kills)
	}
}

// TestStampChild is the process the test above kills: it applies the
// throw-away plan in the parent's data directory.
func TestStampChild(t *testing.T) {
	dir := os.Getenv("STAMP_CHILD_DIR")
	if dir == "" {
		t.Skip("run by TestAThrowAwayPlanKindIsKilledAndResumedWithoutDuplicates")
	}
	t.Cleanup(adapter.Register(stampAdapter{os.Getenv("STAMP_CHILD_URL")}))
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err := apply.RunPlan(ctx, stampEngine(st, "stamps"), 0, apply.Options{Actor: "operator:test"})
	if err != nil || res.Counts.Done != stampCount {
		t.Fatalf("%+v %v", res.Counts, err)
	}
	if strings.Contains(fmt.Sprint(res.Plan.Kind), "onboarding") {
		t.Fatal("the plan lost its kind")
	}
}

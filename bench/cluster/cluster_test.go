package cluster

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// cluster is what every scenario runs against: the object store, three
// replicas sharing it, nginx in front.
type cluster struct {
	dir      string
	bin      string
	store    *objectStore
	replicas []*replica
	nginx    *nginx
	// uploads counts uploads, to give each a new source id.
	uploads int
}

// readPaths are the GETs of the load: a country's observations, a score
// table, a profile, the snapshot's manifest (what dashboards ask most).
var readPaths = []string{
	"/v1/data?indicator=itu.internet_use&unit=KEN&sex=F,M",
	"/v1/scores/compass?per_page=50",
	"/v1/scores/egdi/KEN",
	"/v1/snapshot",
}

// convergeLimit is the bound for every replica to serve a new
// snapshot after an upload is acknowledged.
const convergeLimit = 5 * time.Second

func TestCluster(t *testing.T) {
	requireCluster(t)
	started := time.Now()
	c := &cluster{dir: t.TempDir()}
	c.bin = buildDRI(t, c.dir)
	c.store = startStore(t)
	env := append(os.Environ(), "DRI_ADMIN_TOKENS="+adminToken)
	env = append(env, c.store.env()...)
	for i := 1; i <= 3; i++ {
		c.replicas = append(c.replicas, newReplica(t, c.bin, fmt.Sprintf("replica%d", i), c.store.stateURL(), env, c.dir))
	}
	// All three start at once on an empty store: one writes the first
	// snapshot, the others take it.
	for _, r := range c.replicas {
		r.start(t)
	}
	for _, r := range c.replicas {
		r.waitReady(t, 60*time.Second)
	}
	if _, err := c.converged(10 * time.Second); err != nil {
		t.Fatalf("replicas started on different snapshots: %v", err)
	}
	c.nginx = startNginx(t, c.dir, c.replicas)
	t.Logf("cluster up in %v: store %s, replicas %s, %s, %s, nginx %s", time.Since(started).Round(time.Millisecond),
		c.store.stateURL(), c.replicas[0].addr, c.replicas[1].addr, c.replicas[2].addr, c.nginx.addr)

	t.Run("converge", c.scenarioConverge)
	t.Run("load-during-uploads", c.scenarioLoadDuringUploads)
	t.Run("kill-replica", c.scenarioKillReplica)
	t.Run("concurrent-uploads", c.scenarioConcurrentUploads)
	t.Run("store-down", c.scenarioStoreDown)
	t.Run("start-while-store-down", c.scenarioStartWhileStoreDown)
	t.Logf("all scenarios in %v", time.Since(started).Round(time.Millisecond))
}

// figures are what a scenario prints: on stdout one line per scenario,
// for `make test-cluster` and bench/cluster/README.md.
type figures struct {
	name     string
	load     *wrkResult    // nil: no load in this scenario
	converge time.Duration // time to converge (or recover), 0 if none
	extra    string        // the scenario's own figures, key=value
}

func (f figures) report(t *testing.T) {
	t.Helper()
	var requests, non2xx, socketErrors int64
	var rps float64
	p99 := "-"
	if f.load != nil {
		requests, non2xx, socketErrors, rps = f.load.Requests, f.load.Non2xx, f.load.SocketErrors(), f.load.RPS()
		p99 = f.load.P99().Round(100 * time.Microsecond).String()
	}
	extra := f.extra
	if f.load != nil {
		extra = fmt.Sprintf("snapshots_seen=%d %s", f.load.Snapshots, extra)
	}
	line := fmt.Sprintf("cluster: %-24s requests=%-7d non2xx=%-3d errors=%-3d rps=%-6.0f p99=%-9s converge=%.2fs %s",
		f.name, requests, non2xx, socketErrors, rps, p99, f.converge.Seconds(), extra)
	line = strings.TrimSpace(line)
	t.Log(line)
	fmt.Println(line)
}

// checkLoad fails the test unless every request of a wrk run got a 2xx
// naming the snapshot that answered it.
func checkLoad(t *testing.T, what string, r *wrkResult) {
	t.Helper()
	if r.Non2xx != 0 || r.SocketErrors() != 0 {
		t.Errorf("%s: %d of %d requests non-2xx %v, %d socket errors %+v, want none",
			what, r.Non2xx, r.Requests, r.Non2xxByStatus, r.SocketErrors(), r.Errors)
	}
	if r.Unnamed2xx != 0 {
		t.Errorf("%s: %d of %d responses without X-DRI-Snapshot", what, r.Unnamed2xx, r.Requests)
	}
}

// load runs wrk through nginx in the background; wait returns its result.
// A test that stops early stops wrk too.
func (c *cluster) load(t *testing.T, d time.Duration) (wait func() *wrkResult) {
	t.Helper()
	var res *wrkResult
	var err error
	done := make(chan struct{})
	ctx := t.Context()
	go func() {
		defer close(done)
		res, err = runWrk(ctx, wrkLoad{base: "http://" + c.nginx.addr, paths: readPaths,
			threads: 2, connections: 16, duration: d})
	}()
	return func() *wrkResult {
		<-done
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
}

// logOffsets marks where each replica's log is now.
func (c *cluster) logOffsets() []int64 {
	var offsets []int64
	for _, r := range c.replicas {
		offsets = append(offsets, r.logSize())
	}
	return offsets
}

// checkReplicaGETs fails the test if a replica answered a GET with a
// status outside 2xx since the offsets (what nginx's retries hide), or
// if a replica logged no GET at all (then the check saw nothing).
func (c *cluster) checkReplicaGETs(t *testing.T, what string, offsets []int64) {
	t.Helper()
	for i, r := range c.replicas {
		gets, bad, err := r.getsSince(offsets[i])
		switch {
		case err != nil:
			t.Error(err)
		case gets == 0:
			t.Errorf("%s: %s logged no GET: its log format is not what getsSince reads, or nginx sent it nothing", what, r.name)
		case len(bad) > 0:
			t.Errorf("%s: %s answered %d of %d GETs outside 2xx %v (by status), want none", what, r.name, sum(bad), gets, bad)
		}
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// served is the snapshot a replica serves (its /readyz), "" if none.
func served(r *replica) string {
	rd, err := r.ready()
	if err != nil || rd.code != http.StatusOK {
		return ""
	}
	return rd.Snapshot
}

// converged waits until every replica serves the same snapshot and
// returns it.
func (c *cluster) converged(timeout time.Duration) (string, error) {
	var ids []string
	_, ok := waitFor(timeout, func() bool {
		ids = ids[:0]
		for _, r := range c.replicas {
			ids = append(ids, served(r))
		}
		for _, id := range ids {
			if id == "" || id != ids[0] {
				return false
			}
		}
		return true
	})
	if !ok {
		return "", fmt.Errorf("replicas serve %v after %v", ids, timeout)
	}
	return ids[0], nil
}

// serving reports whether every replica serves id.
func (c *cluster) serving(id string) bool {
	for _, r := range c.replicas {
		if served(r) != id {
			return false
		}
	}
	return true
}

// waitServing waits until every replica serves id; false if they do not
// within the timeout.
func (c *cluster) waitServing(id string, timeout time.Duration) bool {
	_, ok := waitFor(timeout, func() bool { return c.serving(id) })
	return ok
}

// servedIDs lists what each replica serves, for failure messages.
func (c *cluster) servedIDs() string {
	var s []string
	for _, r := range c.replicas {
		s = append(s, r.name+"="+served(r))
	}
	return strings.Join(s, " ")
}

// nextSource is a new source id for an upload of unit's release.
func (c *cluster) nextSource(scenario, unit string) string {
	c.uploads++
	return fmt.Sprintf("cluster-%s-%d-%s", scenario, c.uploads, strings.ToLower(unit))
}

// mustUpload uploads unit's release through base and fails unless it is
// acknowledged with 201 (every release adds rows, so 200 "unchanged"
// would be wrong too).
func (c *cluster) mustUpload(t *testing.T, base, scenario, unit string) (source, snapshot string) {
	t.Helper()
	source = c.nextSource(scenario, unit)
	rep, err := upload(base, source, releaseCSV(unit, source))
	if err != nil {
		t.Fatalf("upload %s through %s: %v", source, base, err)
	}
	if rep.status != http.StatusCreated {
		t.Fatalf("upload %s through %s: %d %s, want 201", source, base, rep.status, rep.body)
	}
	return source, rep.snapshot
}

// checkServes fails unless every replica answers /v1/data for unit's
// release with the uploaded value from source.
func (c *cluster) checkServes(t *testing.T, unit, source string) {
	t.Helper()
	path, want := releaseQuery(unit)
	for _, r := range c.replicas {
		code, body, err := get(r.url(path))
		if err != nil || code != http.StatusOK {
			t.Errorf("%s %s: %d %v %s", r.name, path, code, err, body)
			continue
		}
		var out struct {
			Data []struct {
				Value  float64 `json:"value"`
				Source string  `json:"source"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &out); err != nil {
			t.Errorf("%s %s: %v", r.name, path, err)
			continue
		}
		if len(out.Data) != 1 || out.Data[0].Value != want || out.Data[0].Source != source {
			t.Errorf("%s %s = %s, want one row of %g from %s", r.name, path, body, want, source)
		}
	}
}

// sources lists the source ids of the snapshot a replica serves.
func sources(r *replica) (snapshot string, ids []string, err error) {
	code, body, err := get(r.url("/v1/snapshot"))
	if err != nil {
		return "", nil, err
	}
	if code != http.StatusOK {
		return "", nil, fmt.Errorf("%s /v1/snapshot: %d %s", r.name, code, body)
	}
	var out struct {
		Data struct {
			ID      string `json:"id"`
			Sources []struct {
				ID string `json:"id"`
			} `json:"sources"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return "", nil, fmt.Errorf("%s /v1/snapshot: %v", r.name, err)
	}
	for _, s := range out.Data.Sources {
		ids = append(ids, s.ID)
	}
	return out.Data.ID, ids, nil
}

// a. An upload through replica 1 is served by all three within 5 s.
func (c *cluster) scenarioConverge(t *testing.T) {
	before, err := c.converged(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	source, id := c.mustUpload(t, "http://"+c.replicas[0].addr, "a", "DZA")
	acked := time.Now()
	if id == before {
		t.Fatalf("upload acknowledged with the snapshot already served (%s)", id)
	}
	// The replica that took the upload serves it when it answers.
	if got := served(c.replicas[0]); got != id {
		t.Errorf("replica1 serves %s right after acknowledging %s", got, id)
	}
	if !c.waitServing(id, convergeLimit) {
		t.Fatalf("not every replica serves %s within %v of the 201: %s", id, convergeLimit, c.servedIDs())
	}
	took := time.Since(acked)
	c.checkServes(t, "DZA", source)
	figures{name: "a-converge", converge: took}.report(t)
}

// b. wrk through nginx during 5 uploads spread over the run: every
// request answered 2xx; all replicas end on the last upload, which holds
// all five.
func (c *cluster) scenarioLoadDuringUploads(t *testing.T) {
	// Uploads at 1/7 to 5/7 of the run: the last (1-2 s here) is done,
	// and its snapshot served, before the load ends.
	const run, n = 24 * time.Second, 5
	offsets := c.logOffsets()
	start := time.Now()
	wait := c.load(t, run)
	units := []string{"ARM", "AZE", "BRA", "CPV", "CIV"}
	var srcs []string
	var last string
	var lastAck time.Time
	for i, unit := range units {
		// Upload i+1 starts at (i+1)/7 of the run, whatever the ones
		// before took.
		time.Sleep(time.Until(start.Add(time.Duration(i+1) * run / (n + 2))))
		src, id := c.mustUpload(t, "http://"+c.nginx.addr, "b", unit)
		t.Logf("upload %d (%s) through nginx at %v: snapshot %s", i+1, src, time.Since(start).Round(time.Millisecond), id)
		srcs, last, lastAck = append(srcs, src), id, time.Now()
	}
	converging := watch(func() bool { return c.serving(last) })
	if lastAck.Sub(start) > run {
		t.Errorf("the last upload was acknowledged %v after the load started, after its %v: not during the load", lastAck.Sub(start).Round(time.Millisecond), run)
	}
	res := wait()
	checkLoad(t, "wrk through nginx during 5 uploads", res)
	// The load saw the swaps: its responses named the snapshot served
	// before the uploads and those of the uploads (each is served for
	// about 3 s, the last for a second or more before the load ends).
	if res.Snapshots < 2 {
		t.Errorf("wrk's responses named %d snapshot(s) during 5 uploads, want at least 2", res.Snapshots)
	}
	c.checkReplicaGETs(t, "during 5 uploads", offsets)
	if !c.waitServing(last, convergeLimit) {
		t.Fatalf("not every replica serves the last upload's %s: %s", last, c.servedIDs())
	}
	took, _ := converging()
	if took > convergeLimit {
		t.Errorf("every replica served the last upload's %s %v after its 201, want within %v", last, took.Round(time.Millisecond), convergeLimit)
	}
	for i, unit := range units {
		c.checkServes(t, unit, srcs[i])
	}
	figures{name: "b-load-during-uploads", load: res, converge: took}.report(t)
}

// c. SIGKILL one replica under load: nginx's retries keep every GET a
// 2xx; restarted with the same command, it rejoins on the current
// snapshot.
func (c *cluster) scenarioKillReplica(t *testing.T) {
	current, err := c.converged(convergeLimit)
	if err != nil {
		t.Fatal(err)
	}
	victim := c.replicas[2]
	errorsBefore := c.nginx.upstreamErrors()
	wait := c.load(t, 12*time.Second)
	time.Sleep(3 * time.Second)
	victim.kill(t)
	t.Logf("%s killed (SIGKILL)", victim.name)
	time.Sleep(3 * time.Second)
	restartOffset := victim.logSize()
	victim.start(t)
	rejoin := watch(allReady(victim))
	res := wait()
	checkLoad(t, "wrk through nginx with a replica killed and restarted", res)
	// The kill must have hit requests, or the scenario proved nothing.
	retried := c.nginx.upstreamErrors() - errorsBefore
	if retried == 0 {
		t.Errorf("nginx logged no failed upstream request while %s was down", victim.name)
	}
	t.Logf("nginx sent %d requests to the next replica after %s failed them", retried, victim.name)
	if _, ok := waitFor(30*time.Second, func() bool { return served(victim) == current }); !ok {
		t.Fatalf("restarted %s does not serve the current snapshot %s: %s\nlog:\n%s", victim.name, current, c.servedIDs(), victim.logTail())
	}
	took, _ := rejoin()
	// Rejoined: nginx sends it requests again.
	rejoined := victim.requestsSinceStart()
	if rejoined == 0 {
		t.Errorf("restarted %s got no request through nginx", victim.name)
	}
	// A replica listens before its snapshot is loaded and answers 503
	// meanwhile; nginx sends those GETs on (http_503 in
	// proxy_next_upstream). How many there were:
	_, early, err := victim.getsSince(restartOffset)
	if err != nil {
		t.Error(err)
	}
	figures{name: "c-kill-replica", load: res, converge: took,
		extra: fmt.Sprintf("retried=%d rejoined_requests=%d answered_503_while_loading=%d", retried, rejoined, early["503"])}.report(t)
}

// d. Two uploads at once through two replicas: both acknowledged, both
// kept: the final snapshot on every replica lists both sources and
// serves both values, and each acknowledged snapshot's sources are in it
// (nothing acknowledged is lost).
func (c *cluster) scenarioConcurrentUploads(t *testing.T) {
	units := []string{"CUB", "DOM"}
	srcs := []string{c.nextSource("d", units[0]), c.nextSource("d", units[1])}
	conflictsBefore := c.metricSum(t, "dri_state_pointer_conflicts_total")
	replies := make([]uploadReply, 2)
	errs := make([]error, 2)
	var ready, wg sync.WaitGroup
	ready.Add(1)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ready.Wait()
			replies[i], errs[i] = upload("http://"+c.replicas[i].addr, srcs[i], releaseCSV(units[i], srcs[i]))
		}()
	}
	ready.Done()
	wg.Wait()
	acked := time.Now()
	for i := range 2 {
		if errs[i] != nil || replies[i].status != http.StatusCreated {
			t.Fatalf("upload %s through %s: %d %v %s, want 201", srcs[i], c.replicas[i].name, replies[i].status, errs[i], replies[i].body)
		}
		t.Logf("upload %s through %s: snapshot %s", srcs[i], c.replicas[i].name, replies[i].snapshot)
	}
	// The final snapshot holds both sources on every replica.
	var final string
	if _, ok := waitFor(convergeLimit, func() bool {
		final = ""
		for _, r := range c.replicas {
			id, ids, err := sources(r)
			if err != nil || !slices.Contains(ids, srcs[0]) || !slices.Contains(ids, srcs[1]) || (final != "" && id != final) {
				return false
			}
			final = id
		}
		return true
	}); !ok {
		t.Fatalf("within %v of both 201s, not every replica serves one snapshot with both %v: %s", convergeLimit, srcs, c.servedIDs())
	}
	took := time.Since(acked)
	for i, unit := range units {
		c.checkServes(t, unit, srcs[i])
	}
	// Each acknowledged snapshot is an ancestor of the final or the final
	// itself: its every source, with the same content, is in the final.
	finalSources := c.store.manifestSources(t, final)
	for i := range 2 {
		for id, sum := range c.store.manifestSources(t, replies[i].snapshot) {
			if finalSources[id] != sum {
				t.Errorf("source %s (sha256 %s) of acknowledged snapshot %s is not in the final %s", id, sum, replies[i].snapshot, final)
			}
		}
	}
	// How often a replica found the pointer moved under it and rebuilt
	// on the new one (0 when the two uploads happened not to overlap).
	conflicts := c.metricSum(t, "dri_state_pointer_conflicts_total") - conflictsBefore
	figures{name: "d-concurrent-uploads", converge: took, extra: fmt.Sprintf("pointer_conflicts=%.0f", conflicts)}.report(t)
}

// e. The object store stops: GETs through nginx keep working, /readyz
// says degraded and why, uploads answer 503 with Retry-After; it comes
// back: within 10 s every replica is ready again, and an upload succeeds
// and converges.
func (c *cluster) scenarioStoreDown(t *testing.T) {
	current, err := c.converged(convergeLimit)
	if err != nil {
		t.Fatal(err)
	}
	c.store.stop(t)
	stopped := time.Now()
	for _, r := range c.replicas {
		var rd readiness
		if _, ok := waitFor(10*time.Second, func() bool {
			rd, err = r.ready()
			return err == nil && rd.Status == "degraded"
		}); !ok {
			t.Fatalf("%s /readyz with the store down: %+v %v, want 200 degraded", r.name, rd, err)
		}
		if rd.code != http.StatusOK || rd.Snapshot != current || rd.Reason == "" {
			t.Errorf("%s /readyz with the store down = %d %+v, want 200 degraded serving %s with a reason", r.name, rd.code, rd, current)
		}
		t.Logf("%s degraded %v after the stop: %s", r.name, time.Since(stopped).Round(time.Millisecond), rd.Reason)
	}
	offsets := c.logOffsets()
	wait := c.load(t, 6*time.Second)
	src := c.nextSource("e", "SLV")
	refusing := time.Now()
	rep, err := upload("http://"+c.replicas[0].addr, src, releaseCSV("SLV", src))
	refused := time.Since(refusing)
	if err != nil {
		t.Fatalf("upload with the store down: %v", err)
	}
	if rep.status != http.StatusServiceUnavailable || rep.retryAfter == "" {
		t.Errorf("upload with the store down: %d (Retry-After %q) %s, want 503 with Retry-After", rep.status, rep.retryAfter, rep.body)
	}
	res := wait()
	checkLoad(t, "wrk through nginx with the store down", res)
	c.checkReplicaGETs(t, "with the store down", offsets)
	failures := c.metricSum(t, "dri_state_failures_total")
	if failures == 0 {
		t.Error("dri_state_failures_total is 0 on every replica with the store down")
	}
	for _, r := range c.replicas {
		if got := served(r); got != current {
			t.Errorf("%s serves %q with the store down, want %s", r.name, got, current)
		}
	}

	readyAgain := watch(allReady(c.replicas...))
	restarted := time.Now()
	c.store.restart(t)
	back := time.Now()
	if _, ok := waitFor(10*time.Second, allReady(c.replicas...)); !ok {
		t.Fatalf("replicas not ready within 10 s of the store's return: %s", c.readiness())
	}
	ready, _ := readyAgain()
	t.Logf("all replicas ready %v after the store's process started (it took writes after %v)",
		ready.Round(time.Millisecond), back.Sub(restarted).Round(time.Millisecond))
	// weedtest's restart returns once the store takes writes again (15 s
	// or more: SeaweedFS's master refuses new objects for 3 pulses of 5 s
	// after it becomes leader), so the upload should pass at once; should
	// it not, it is retried as a client does, after Retry-After, on 503.
	source := c.nextSource("e", "SLV")
	rep, attempts, err := uploadUntil(t, "http://"+c.replicas[1].addr, source, releaseCSV("SLV", source), 60*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	accepted := time.Since(back)
	t.Logf("upload accepted %v after the store's return, attempt %d", accepted.Round(time.Millisecond), attempts)
	if !c.waitServing(rep.snapshot, convergeLimit) {
		t.Fatalf("upload after the store's return not served everywhere within %v: %s", convergeLimit, c.servedIDs())
	}
	c.checkServes(t, "SLV", source)
	figures{name: "e-store-down", load: res, converge: time.Since(back),
		extra: fmt.Sprintf("upload_503_in=%.1fs ready_after_store_start=%.1fs store_writable_after=%.1fs upload_accepted=%.1fs attempts=%d store_failures=%.0f",
			refused.Seconds(), ready.Seconds(), back.Sub(restarted).Seconds(), accepted.Seconds(), attempts, failures)}.report(t)
}

// watch checks cond every 50 ms from now on; the function it returns
// stops it and says how long after the start cond first held (false if
// it never did).
func watch(cond func() bool) func() (time.Duration, bool) {
	start := time.Now()
	stop := make(chan struct{})
	result := make(chan time.Duration, 1)
	go func() {
		defer close(result)
		for {
			if cond() {
				result <- time.Since(start)
				return
			}
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return func() (time.Duration, bool) {
		close(stop)
		d, ok := <-result
		return d, ok
	}
}

// allReady holds when every replica's /readyz answers "ready".
func allReady(rs ...*replica) func() bool {
	return func() bool {
		for _, r := range rs {
			if rd, err := r.ready(); err != nil || rd.Status != "ready" {
				return false
			}
		}
		return true
	}
}

// uploadUntil uploads, and after a 503 with Retry-After waits as it says
// (at most 5 s) and tries again, until the upload is acknowledged or the
// time is up; any other answer is an error.
func uploadUntil(t *testing.T, base, source, csv string, limit time.Duration) (uploadReply, int, error) {
	t.Helper()
	start := time.Now()
	for attempt := 1; ; attempt++ {
		rep, err := upload(base, source, csv)
		switch {
		case err != nil:
			return rep, attempt, fmt.Errorf("upload %s: %v", source, err)
		case rep.status == http.StatusCreated:
			return rep, attempt, nil
		case rep.status != http.StatusServiceUnavailable || rep.retryAfter == "":
			return rep, attempt, fmt.Errorf("upload %s: %d (Retry-After %q) %s, want 201 or 503 with Retry-After", source, rep.status, rep.retryAfter, rep.body)
		case time.Since(start) > limit:
			return rep, attempt, fmt.Errorf("upload %s still 503 after %v (%d attempts): %s", source, limit, attempt, rep.body)
		}
		wait, err := strconv.Atoi(rep.retryAfter)
		if err != nil || wait < 0 {
			return rep, attempt, fmt.Errorf("upload %s: Retry-After %q is not a number of seconds", source, rep.retryAfter)
		}
		time.Sleep(min(time.Duration(wait)*time.Second, 5*time.Second))
	}
}

// metricSum sums a metric over the three replicas.
func (c *cluster) metricSum(t *testing.T, name string) float64 {
	t.Helper()
	var sum float64
	for _, r := range c.replicas {
		n, err := r.metric(name)
		if err != nil {
			t.Error(err)
		}
		sum += n
	}
	return sum
}

// readiness lists every replica's /readyz, for failure messages.
func (c *cluster) readiness() string {
	var s []string
	for _, r := range c.replicas {
		rd, err := r.ready()
		s = append(s, fmt.Sprintf("%s=%d %s %s %s%s %v", r.name, rd.code, rd.Status, rd.Snapshot, rd.Reason, rd.Detail, err))
	}
	return strings.Join(s, "; ")
}

// f. A replica started while the store is down is not ready and says
// why; once the store is back it becomes ready on the current snapshot.
func (c *cluster) scenarioStartWhileStoreDown(t *testing.T) {
	current, err := c.converged(convergeLimit)
	if err != nil {
		t.Fatal(err)
	}
	c.store.stop(t)
	late := newReplica(t, c.bin, "replica4", c.store.stateURL(), c.replicas[0].env, c.dir)
	late.start(t)
	// It listens at once and answers /readyz 503 saying why: its first
	// attempt to read the store fails.
	var rd readiness
	if _, ok := waitFor(20*time.Second, func() bool {
		rd, err = late.ready()
		return err == nil && rd.code == http.StatusServiceUnavailable && strings.Contains(rd.Detail, "store")
	}); !ok {
		t.Fatalf("replica4 (started with the store down) /readyz = %+v %v, want 503 with a detail naming the store\nlog:\n%s", rd, err, late.logTail())
	}
	t.Logf("replica4 /readyz with the store down: %d %q", rd.code, rd.Detail)
	lateReady := watch(allReady(late))
	restarted := time.Now()
	c.store.restart(t)
	back := time.Now()
	if _, ok := waitFor(30*time.Second, func() bool { return served(late) == current }); !ok {
		rd, err := late.ready()
		t.Fatalf("replica4 not serving %s within 30 s of the store's return: %+v %v\nlog:\n%s", current, rd, err, late.logTail())
	}
	// The figure counts from the store's start (reads work there before
	// the store takes writes); replica4 retries every 1 to 10 s.
	ready, _ := lateReady()
	figures{name: "f-start-while-store-down", converge: ready,
		extra: fmt.Sprintf("store_writable_after=%.1fs", back.Sub(restarted).Seconds())}.report(t)
	late.stop(t)
}

package cluster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"
)

// nginxBinary is Debian's nginx (package nginx or nginx-light).
const nginxBinary = "/usr/sbin/nginx"

// adminToken is the replicas' admin token (DRI_ADMIN_TOKENS; at least 16
// characters).
const adminToken = "cluster-test-admin-token-0123456789"

// requireCluster skips the test when the cluster's tools are missing, or
// fails it when DRI_REQUIRE_CLUSTER=1 asks for the cluster tests to run.
// DRI_CLUSTER=0 skips it whatever is installed: CI runs the scenarios in
// their own step (make test-cluster), not a second time in make test.
func requireCluster(t *testing.T) {
	t.Helper()
	if os.Getenv("DRI_CLUSTER") == "0" {
		t.Skip("cluster test skipped: DRI_CLUSTER=0 (make test-cluster runs it)")
	}
	var missing []string
	if os.Getenv("DRI_WEED") == "" {
		missing = append(missing, "DRI_WEED (the SeaweedFS binary: DRI_WEED=$(bench/cluster/build-seaweedfs.sh))")
	}
	for _, bin := range []string{nginxBinary, wrkBinary} {
		if _, err := os.Stat(bin); err != nil {
			missing = append(missing, bin+" (apt-get install nginx wrk)")
		}
	}
	if len(missing) == 0 {
		return
	}
	if os.Getenv("DRI_REQUIRE_CLUSTER") == "1" {
		t.Fatalf("DRI_REQUIRE_CLUSTER=1 but missing: %s", strings.Join(missing, "; "))
	}
	t.Skipf("cluster test skipped: missing %s", strings.Join(missing, "; "))
}

// buildDRI builds the dri binary once into dir.
func buildDRI(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "dri")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/dri-engine/dri/cmd/dri")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build dri: %v\n%s", err, out)
	}
	return bin
}

// freeAddr returns a 127.0.0.1 address with a port free at the moment.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// replica is one `dri serve --state s3://...` process of the real binary.
// Its command (address, cache directory, environment) stays the same
// across restarts.
type replica struct {
	name string
	addr string
	args []string
	env  []string
	log  string // standard error, appended across restarts

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

func newReplica(t *testing.T, bin, name, stateURL string, env []string, dir string) *replica {
	t.Helper()
	cache := filepath.Join(dir, name+"-cache")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	r := &replica{name: name, addr: freeAddr(t), env: env, log: filepath.Join(dir, name+".log")}
	r.args = []string{bin, "serve", "--state", stateURL, "--poll", "250ms", "--rate", "0",
		"--addr", r.addr, "--cache", cache}
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *replica) url(path string) string { return "http://" + r.addr + path }

// start starts the process (it must not be running).
func (r *replica) start(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	logf, err := os.OpenFile(r.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(logf, "--- %s: %s\n", time.Now().UTC().Format(time.RFC3339Nano), strings.Join(r.args, " "))
	cmd := exec.Command(r.args[0], r.args[1:]...)
	cmd.Env = r.env
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("start %s: %v", r.name, err)
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		logf.Close()
		close(done)
	}()
	r.cmd, r.done = cmd, done
}

// kill sends SIGKILL and waits for the process to go.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd == nil {
		return
	}
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("kill %s: %v", r.name, err)
	}
	<-r.done
	r.cmd = nil
}

// stop asks the process to shut down (SIGTERM), then kills it after 10 s.
func (r *replica) stop(t *testing.T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd == nil {
		return
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		r.cmd.Process.Signal(syscall.SIGKILL)
		<-r.done
		t.Errorf("%s did not stop within 10 s of SIGTERM", r.name)
	}
	r.cmd = nil
}

// logTail is the end of the replica's log, for failure messages.
func (r *replica) logTail() string {
	b, _ := os.ReadFile(r.log)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// requestsSinceStart counts the API requests (not /readyz or /metrics)
// the replica logged since its last start.
func (r *replica) requestsSinceStart() int {
	b, _ := os.ReadFile(r.log)
	text := string(b)
	if i := strings.LastIndex(text, "--- "); i >= 0 {
		text = text[i:]
	}
	n := 0
	for line := range strings.SplitSeq(text, "\n") {
		if strings.Contains(line, "msg=request") && !strings.Contains(line, "path=/readyz") && !strings.Contains(line, "path=/metrics") {
			n++
		}
	}
	return n
}

// logSize is the length of the replica's log now, for non2xxGETsSince.
func (r *replica) logSize() int64 {
	fi, err := os.Stat(r.log)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// getsSince counts the GETs (not /readyz or /metrics) the replica logged
// after offset in its log, and those with a status outside 2xx by status,
// but for 499: the replica's "client gone" when nginx dropped a request
// whose own client (wrk, stopping at the end of its run) hung up, an
// answer nobody waited for. nginx retries a GET that got a 502 or 503 on
// the next replica, so wrk's count through nginx would not see such an
// answer; the replica's log does.
func (r *replica) getsSince(offset int64) (gets int, bad map[string]int, err error) {
	b, err := os.ReadFile(r.log)
	if err != nil {
		return 0, nil, err
	}
	if offset > int64(len(b)) {
		offset = 0
	}
	bad = map[string]int{}
	for line := range strings.SplitSeq(string(b[offset:]), "\n") {
		if !strings.Contains(line, "msg=request") || !strings.Contains(line, "method=GET") ||
			strings.Contains(line, "path=/readyz") || strings.Contains(line, "path=/metrics") {
			continue
		}
		_, rest, ok := strings.Cut(line, " status=")
		if !ok || len(rest) < 3 {
			return 0, nil, fmt.Errorf("%s: request log line without a status: %q", r.name, line)
		}
		gets++
		if status := rest[:3]; status[0] != '2' && status != "499" {
			bad[status]++
		}
	}
	return gets, bad, nil
}

// readiness is a /readyz answer: 200 with a status ("ready" or
// "degraded", with a reason), the snapshot served; or a 503 problem whose
// detail says why no snapshot is served.
type readiness struct {
	code     int
	Status   string `json:"status"`
	Snapshot string `json:"snapshot"`
	Reason   string `json:"reason"`
	Detail   string `json:"-"`
}

var client = &http.Client{Timeout: 10 * time.Second}

// ready asks a replica's /readyz; an error means no HTTP answer.
func (r *replica) ready() (readiness, error) {
	resp, err := client.Get(r.url("/readyz"))
	if err != nil {
		return readiness{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return readiness{}, err
	}
	rd := readiness{code: resp.StatusCode}
	if resp.StatusCode == http.StatusOK {
		err = json.Unmarshal(body, &rd)
	} else {
		var problem struct {
			Detail string `json:"detail"`
		}
		err = json.Unmarshal(body, &problem)
		rd.Detail = problem.Detail
	}
	if err != nil {
		return readiness{}, fmt.Errorf("%s /readyz %d: %v: %s", r.name, resp.StatusCode, err, body)
	}
	return rd, nil
}

// waitFor polls cond every 50 ms until it holds or the timeout passes, and
// returns how long it took.
func waitFor(timeout time.Duration, cond func() bool) (time.Duration, bool) {
	start := time.Now()
	for {
		if cond() {
			return time.Since(start), true
		}
		if time.Since(start) > timeout {
			return time.Since(start), false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitReady waits until the replica's /readyz is 200 "ready".
func (r *replica) waitReady(t *testing.T, timeout time.Duration) readiness {
	t.Helper()
	var last readiness
	var lastErr error
	if _, ok := waitFor(timeout, func() bool {
		last, lastErr = r.ready()
		return lastErr == nil && last.code == http.StatusOK && last.Status == "ready"
	}); !ok {
		t.Fatalf("%s not ready within %v: last %+v, %v\nlog:\n%s", r.name, timeout, last, lastErr, r.logTail())
	}
	return last
}

// upload posts a source file in the long format to base (a replica or
// nginx) and returns the status, the acknowledged snapshot and the body.
type uploadReply struct {
	status     int
	snapshot   string
	retryAfter string
	body       string
}

func upload(base, sourceID, csv string) (uploadReply, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	entry := fmt.Sprintf(`{"id":%q,"adapter":"long","publisher":"DRI cluster test (values copied from the ITU by-sex sheet)","vintage":"2026","licence":"ITU copyright; reuse with attribution"}`, sourceID)
	mw.WriteField("entry", entry)
	fw, err := mw.CreateFormFile("file", sourceID+".csv")
	if err != nil {
		return uploadReply{}, err
	}
	io.WriteString(fw, csv)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, base+"/v1/admin/sources", &body)
	if err != nil {
		return uploadReply{}, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		return uploadReply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return uploadReply{}, err
	}
	rep := uploadReply{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), body: string(b)}
	if resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK {
		var out struct {
			Data struct {
				Snapshot string `json:"snapshot"`
			} `json:"data"`
		}
		if err := json.Unmarshal(b, &out); err != nil || out.Data.Snapshot == "" {
			return rep, fmt.Errorf("upload %s: %d with no snapshot id: %s", sourceID, resp.StatusCode, b)
		}
		rep.snapshot = out.Data.Snapshot
	}
	return rep, nil
}

// nginx is Debian's nginx as a round-robin proxy over the replicas, run
// in the foreground from a prefix directory of its own (no root needed).
type nginx struct {
	addr string
	cmd  *exec.Cmd
	done chan struct{}
	log  string
}

// nginxConf: GETs go to the next replica on a connection error, a timeout,
// 502 or 503, at most 3 tries (so one dead replica never fails a read);
// POSTs are never retried (nginx does not resend a non-idempotent request).
// A replica that fails is left out for 1 s (fail_timeout), so a restarted
// one gets traffic again at once. Connect timeouts are short: on
// 127.0.0.1 a live replica accepts in microseconds.
var nginxConf = template.Must(template.New("nginx.conf").Parse(`
worker_processes 1;
error_log {{.Prefix}}/error.log warn;
pid {{.Prefix}}/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path {{.Prefix}}/tmp/body;
    proxy_temp_path {{.Prefix}}/tmp/proxy;
    fastcgi_temp_path {{.Prefix}}/tmp/fastcgi;
    uwsgi_temp_path {{.Prefix}}/tmp/uwsgi;
    scgi_temp_path {{.Prefix}}/tmp/scgi;
    upstream dri {
{{- range .Replicas}}
        server {{.}} max_fails=1 fail_timeout=1s;
{{- end}}
        keepalive 32;
    }
    server {
        listen {{.Addr}};
        client_max_body_size 64m;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_connect_timeout 500ms;
        proxy_send_timeout 30s;
        proxy_read_timeout 60s;
        location / {
            proxy_pass http://dri;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 3;
            proxy_next_upstream_timeout 10s;
        }
        location /v1/admin/ {
            proxy_pass http://dri;
            proxy_next_upstream off;
            proxy_request_buffering on;
        }
    }
}
`))

func startNginx(t *testing.T, dir string, replicas []*replica) *nginx {
	t.Helper()
	prefix := filepath.Join(dir, "nginx")
	if err := os.MkdirAll(filepath.Join(prefix, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	n := &nginx{addr: freeAddr(t), log: filepath.Join(prefix, "error.log")}
	var addrs []string
	for _, r := range replicas {
		addrs = append(addrs, r.addr)
	}
	var conf bytes.Buffer
	if err := nginxConf.Execute(&conf, map[string]any{"Prefix": prefix, "Addr": n.addr, "Replicas": addrs}); err != nil {
		t.Fatal(err)
	}
	confFile := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confFile, conf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(nginxBinary, "-t", "-p", prefix, "-c", confFile, "-e", n.log).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	n.cmd = exec.Command(nginxBinary, "-p", prefix, "-c", confFile, "-e", n.log, "-g", "daemon off;")
	var out bytes.Buffer
	n.cmd.Stdout, n.cmd.Stderr = &out, &out
	if err := n.cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	n.done = make(chan struct{})
	go func() { n.cmd.Wait(); close(n.done) }()
	t.Cleanup(func() {
		n.cmd.Process.Signal(syscall.SIGQUIT) // graceful shutdown
		select {
		case <-n.done:
		case <-time.After(10 * time.Second):
			n.cmd.Process.Kill()
			<-n.done
		}
	})
	if _, ok := waitFor(10*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", n.addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	}); !ok {
		t.Fatalf("nginx not listening on %s within 10 s: %s", n.addr, out.String())
	}
	return n
}

// upstreamErrors counts the [error] lines of nginx's log: each is a
// request to a replica that failed (refused, reset, timed out) and that
// nginx then sent to the next one, or failed if none was left.
func (n *nginx) upstreamErrors() int {
	b, _ := os.ReadFile(n.log)
	return strings.Count(string(b), "[error]")
}

// get fetches url and returns its status and body.
func get(url string) (int, []byte, error) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// metric sums the samples of a Prometheus metric (every label set) in a
// replica's /metrics.
func (r *replica) metric(name string) (float64, error) {
	code, body, err := get(r.url("/metrics"))
	if err != nil {
		return 0, err
	}
	if code != http.StatusOK {
		return 0, fmt.Errorf("%s /metrics: %d", r.name, code)
	}
	var sum float64
	found := false
	for line := range strings.SplitSeq(string(body), "\n") {
		rest, ok := strings.CutPrefix(line, name)
		if !ok || (!strings.HasPrefix(rest, " ") && !strings.HasPrefix(rest, "{")) {
			continue
		}
		fields := strings.Fields(rest[strings.LastIndex(rest, "}")+1:])
		if len(fields) == 0 {
			return 0, fmt.Errorf("%s /metrics: no value in %q", r.name, line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return 0, fmt.Errorf("%s /metrics: %q: %v", r.name, line, err)
		}
		sum, found = sum+v, true
	}
	if !found {
		return 0, fmt.Errorf("%s /metrics has no %s", r.name, name)
	}
	return sum, nil
}

// TestGetsSince reads request lines in the form `dri serve` logs them
// (copied from a replica's log, paths and statuses varied): only GETs of
// the API count, from the offset on.
func TestGetsSince(t *testing.T) {
	const before = `time=2026-12-07T04:18:25.829Z level=INFO msg=request method=GET path=/v1/snapshot query="" route=/v1/snapshot status=500 bytes=355 duration_ms=0.137 client=127.0.0.1` + "\n"
	const after = `--- 2026-12-07T04:18:26Z: dri serve
time=2026-12-07T04:18:26.001Z level=INFO msg=request method=GET path=/v1/data query="indicator=itu.internet_use&unit=KEN" route=/v1/data status=200 bytes=2155 duration_ms=0.412 client=127.0.0.1
time=2026-12-07T04:18:26.002Z level=INFO msg=request method=GET path=/v1/scores/compass query="per_page=50" route=/v1/scores/compass status=503 bytes=301 duration_ms=0.2 client=127.0.0.1
time=2026-12-07T04:18:26.003Z level=INFO msg=request method=GET path=/readyz query="" route=/readyz status=503 bytes=355 duration_ms=0.1 client=127.0.0.1
time=2026-12-07T04:18:26.004Z level=INFO msg=request method=POST path=/v1/admin/sources query="" route=/v1/admin/sources status=503 bytes=400 duration_ms=3.1 client=127.0.0.1
time=2026-12-07T04:18:26.005Z level=INFO msg=request method=GET path=/metrics query="" route=/metrics status=200 bytes=9000 duration_ms=0.3 client=127.0.0.1
time=2026-12-07T04:18:26.006Z level=INFO msg=request method=GET path=/v1/snapshot query="" route=/v1/snapshot status=404 bytes=200 duration_ms=0.1 client=127.0.0.1
time=2026-12-07T04:18:26.007Z level=INFO msg=request method=GET path=/v1/scores/egdi/KEN query="" route=/v1/scores/egdi/:unit status=499 bytes=0 duration_ms=0.1 client=127.0.0.1
`
	r := &replica{name: "replica1", log: filepath.Join(t.TempDir(), "replica1.log")}
	if err := os.WriteFile(r.log, []byte(before+after), 0o644); err != nil {
		t.Fatal(err)
	}
	gets, bad, err := r.getsSince(int64(len(before)))
	if err != nil {
		t.Fatal(err)
	}
	// After the offset: four GETs of the API (200, 503, 404, 499), the
	// 499 (client gone) not a failure; /readyz, /metrics and the POST do
	// not count.
	if gets != 4 || len(bad) != 2 || bad["503"] != 1 || bad["404"] != 1 {
		t.Errorf("getsSince = %d GETs, bad %v; want 4 GETs, bad map[404:1 503:1]", gets, bad)
	}
	if gets, bad, err := r.getsSince(0); err != nil || gets != 5 || bad["500"] != 1 {
		t.Errorf("getsSince(0) = %d, %v, %v; want 5 GETs with one 500", gets, bad, err)
	}
	if err := os.WriteFile(r.log, []byte("time=x level=INFO msg=request method=GET path=/v1/data\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.getsSince(0); err == nil {
		t.Error("getsSince on a request line without a status: no error")
	}
}

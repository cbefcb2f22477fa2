package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dri-engine/dri/pipeline/snapshot"
)

const crashToken = "crash-test-admin-token-0123456789"

// server is a `dri serve --state` process of the real binary.
type server struct {
	cmd    *exec.Cmd
	url    string
	stderr *lineBuffer
}

type lineBuffer struct {
	lines chan string
	mu    sync.Mutex
	all   bytes.Buffer
}

func (b *lineBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.all.String()
}

func buildBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "dri-test-bin-"); built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "dri")
		built.out, built.err = exec.Command("go", "build", "-o", built.path, ".").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.path
}

// built is the binary the tests that run dri as a process share: built
// once, removed by TestMain.
var built struct {
	once      sync.Once
	dir, path string
	out       []byte
	err       error
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func startServer(t *testing.T, bin, state, crashPoint string) *server {
	t.Helper()
	addr := freePort(t)
	cmd := exec.Command(bin, "serve", "--addr", addr, "--state", state, "--rate", "0")
	cmd.Env = append(os.Environ(), "DRI_ADMIN_TOKENS="+crashToken, "DRI_CRASH_POINT="+crashPoint)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	lb := &lineBuffer{lines: make(chan string, 1000)}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			lb.mu.Lock()
			lb.all.WriteString(sc.Text() + "\n")
			lb.mu.Unlock()
			select {
			case lb.lines <- sc.Text():
			default:
			}
		}
		close(lb.lines)
	}()
	s := &server{cmd: cmd, url: "http://" + addr, stderr: lb}
	t.Cleanup(func() { s.kill() })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server did not become ready:\n%s", lb.String())
	return nil
}

func (s *server) kill() {
	if s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGKILL)
		s.cmd.Wait()
	}
}

// waitFor waits for a line of standard error containing text.
func (s *server) waitFor(t *testing.T, text string) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case line, ok := <-s.stderr.lines:
			if !ok {
				t.Fatalf("server exited before %q", text)
			}
			if strings.Contains(line, text) {
				return
			}
		case <-timeout:
			t.Fatalf("no %q on standard error", text)
		}
	}
}

func (s *server) upload(id, content string) (*http.Response, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("entry", fmt.Sprintf(`{"id":%q,"adapter":"long","publisher":"crash test","vintage":"2026","licence":"CC0"}`, id))
	fw, _ := mw.CreateFormFile("file", id+".csv")
	io.WriteString(fw, content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, s.url+"/v1/admin/sources", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+crashToken)
	return http.DefaultClient.Do(req)
}

// value asks the server for KEN's internet use in a year ("" when none).
func (s *server) value(t *testing.T, year int) (string, string) {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("%s/v1/data?indicator=itu.internet_use&unit=KEN&sex=_T&date=%d", s.url, year))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Meta struct {
			Snapshot string `json:"snapshot"`
		} `json:"meta"`
		Data []struct {
			Value float64 `json:"value"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if len(body.Data) == 0 {
		return "", body.Meta.Snapshot
	}
	return fmt.Sprint(body.Data[0].Value), body.Meta.Snapshot
}

// quarantined lists the uploads /v1/snapshot says no complete snapshot uses.
func (s *server) quarantined(t *testing.T) []string {
	t.Helper()
	resp, err := http.Get(s.url + "/v1/snapshot")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Meta struct {
			Uploads []struct {
				File   string `json:"file"`
				Status string `json:"status"`
			} `json:"uploads"`
		} `json:"meta"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, u := range body.Meta.Uploads {
		if u.Status == "quarantined" {
			out = append(out, u.File)
		}
	}
	return out
}

// TestCrashSafety kills `dri serve` with SIGKILL at each point of an upload
// and snapshot write, restarts it on the same state directory, and checks
// that the last acknowledged upload is served from a complete snapshot and
// that what was not committed is not.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	// Stored uploads are never removed (issue 12 item 11): the pending one
	// is kept whether or not a complete snapshot refers to it, and listed
	// by /v1/snapshot as quarantined when none does.
	for _, tc := range []struct {
		point       string
		committed   bool // the crash comes after the commit point (the current pointer)
		quarantined bool // the pending upload is used by no complete snapshot
	}{
		{"upload-stored", false, true},
		{"snapshot-partial", false, true},
		// The new snapshot is complete but not current: it is kept (dri
		// snapshots lists it, dri rollback can serve it), and so is its upload.
		{"snapshot-renamed", false, false},
		{"current-set", true, false},
	} {
		t.Run(tc.point, func(t *testing.T) {
			state := t.TempDir()
			// An acknowledged upload, then a SIGKILL with no warning.
			s := startServer(t, bin, state, "")
			resp, err := s.upload("acked", "unit,year,indicator,value\nKEN,2026,itu.internet_use,61.5\n")
			if err != nil || resp.StatusCode != http.StatusCreated {
				t.Fatalf("acknowledged upload: %v %v", err, resp)
			}
			resp.Body.Close()
			s.kill()

			// The next upload dies at the crash point.
			s = startServer(t, bin, state, tc.point)
			if v, _ := s.value(t, 2026); v != "61.5" {
				t.Fatalf("after a SIGKILL the acknowledged value is %q, want 61.5", v)
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				if resp, err := s.upload("pending", "unit,year,indicator,value\nKEN,2027,itu.internet_use,70\n"); err == nil {
					resp.Body.Close()
				}
			}()
			s.waitFor(t, "crash point "+tc.point+" reached")
			s.kill()
			<-done

			// Restart: a complete snapshot, the acknowledged data, and the
			// pending upload only if its snapshot was committed.
			s = startServer(t, bin, state, "")
			if v, _ := s.value(t, 2026); v != "61.5" {
				t.Errorf("acknowledged value after restart = %q, want 61.5", v)
			}
			v, served := s.value(t, 2027)
			if tc.committed != (v == "70") {
				t.Errorf("pending value after restart = %q, committed = %v", v, tc.committed)
			}
			st, _ := snapshot.OpenState(state)
			if _, err := snapshot.Verify(filepath.Join(st.SnapshotsDir(), served)); err != nil {
				t.Errorf("served snapshot %s is not complete: %v", served, err)
			}
			entries, _ := os.ReadDir(st.SnapshotsDir())
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".tmp-") {
					t.Errorf("temporary snapshot %s left after restart", e.Name())
				}
			}
			uploads, _ := os.ReadDir(filepath.Join(state, snapshot.StateUploads))
			if len(uploads) != 2 {
				t.Errorf("%d stored uploads after restart, want 2 (uploads are never removed)", len(uploads))
			}
			if q := s.quarantined(t); (len(q) == 1) != tc.quarantined {
				t.Errorf("quarantined uploads %v, want the pending one quarantined: %v", q, tc.quarantined)
			}
			if tc.point == "snapshot-partial" && !strings.Contains(s.stderr.String(), "ignoring incomplete snapshot") {
				t.Errorf("the interrupted snapshot was not reported:\n%s", s.stderr.String())
			}
		})
	}
}

// TestDamagedSnapshotRestart (issue 12 item 11): the real binary, killed
// after an acknowledged upload whose snapshot file is then damaged, used to
// delete the upload at restart and serve the older snapshot. Now it rebuilds
// the snapshot from the upload and serves the acknowledged value.
func TestDamagedSnapshotRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	state := t.TempDir()
	s := startServer(t, bin, state, "")
	resp, err := s.upload("acked", "unit,year,indicator,value\nKEN,2026,itu.internet_use,61.5\n")
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("acknowledged upload: %v %v", err, resp)
	}
	resp.Body.Close()
	_, acked := s.value(t, 2026)
	s.kill()
	st, _ := snapshot.OpenState(state)
	if err := os.WriteFile(filepath.Join(st.SnapshotsDir(), acked, snapshot.ObservationsFile), []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	s = startServer(t, bin, state, "")
	if v, served := s.value(t, 2026); v != "61.5" || served != acked {
		t.Errorf("after restart: value %q from %s, want 61.5 from the rebuilt %s\n%s", v, served, acked, s.stderr.String())
	}
	if !strings.Contains(s.stderr.String(), "rebuilt the damaged current snapshot") {
		t.Errorf("the rebuild was not logged:\n%s", s.stderr.String())
	}
	if strings.Contains(s.stderr.String(), state) {
		t.Errorf("the log shows the state path %s:\n%s", state, s.stderr.String())
	}
	uploads, _ := os.ReadDir(filepath.Join(state, snapshot.StateUploads))
	if len(uploads) != 1 {
		t.Errorf("%d stored uploads after restart, want the acknowledged one", len(uploads))
	}
}

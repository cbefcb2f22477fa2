package api_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/dri-engine/dri/api"
	"github.com/dri-engine/dri/api/service"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

// TestUploadDiskFullReal (issue 12 item 12) runs the upload on a real full
// file system: a 1 MiB tmpfs holding the first snapshot (about 620 KB of the
// embedded data). A 600 KB upload does not fit (ENOSPC storing it), nor does
// a small one's snapshot (ENOSPC writing it): both are 507 with a problem
// body, and the served data and pointer stay as they were. It needs to mount
// a tmpfs (root or CAP_SYS_ADMIN) and is skipped otherwise.
func TestUploadDiskFullReal(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=1m"); err != nil {
		t.Skipf("cannot mount a tmpfs: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	st, err := snapshot.OpenState(dir)
	if err != nil {
		t.Fatal(err)
	}
	svc := &service.Service{State: st, Holder: &api.Holder{}, Log: slog.New(slog.DiscardHandler)}
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := api.New(api.Config{RatePerSecond: -1, AdminTokens: []string{token}, Admin: svc, UploadBytes: 4 << 20}, svc.Holder).Handler()
	before := svc.Holder.Current().ID
	big := "unit,year,indicator,value\n" + strings.Repeat("KEN,2025,itu.internet_use,55.5\n", (600<<10)/31)
	for name, content := range map[string]string{"upload too big for the disk": big, "snapshot too big for the disk": goodCSV} {
		rec := upload(t, h, "Bearer "+token, goodEntry, "ken.csv", content)
		var p api.Problem
		json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != http.StatusInsufficientStorage || p.Code != api.CodeInsufficientDisk {
			t.Errorf("%s: %d %s, want 507", name, rec.Code, rec.Body)
		}
		if strings.Contains(rec.Body.String(), dir) {
			t.Errorf("%s: the body shows the state path", name)
		}
	}
	if cur, _ := st.Current(); svc.Holder.Current().ID != before || cur != before {
		t.Errorf("a failed upload changed the data: serving %s, current %s, want %s", svc.Holder.Current().ID, cur, before)
	}
}

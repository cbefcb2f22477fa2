package cluster

import (
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/dri-engine/dri/internal/weedtest"
	"github.com/dri-engine/dri/pipeline/snapshot"
)

// statePrefix is where in the bucket the replicas keep their state.
const statePrefix = "dri-cluster"

// objectStore is the SeaweedFS server the replicas share.
type objectStore struct {
	srv *weedtest.Server
}

func startStore(t *testing.T) *objectStore {
	t.Helper()
	return &objectStore{srv: weedtest.Start(t)}
}

// stateURL is the replicas' --state.
func (s *objectStore) stateURL() string { return s.srv.URL(statePrefix) }

// env is what a replica needs in its environment to reach the store.
func (s *objectStore) env() []string { return s.srv.Env() }

// stop stops the server (its data stay).
func (s *objectStore) stop(t *testing.T) {
	t.Helper()
	s.srv.Stop()
	t.Logf("object store stopped")
}

// restart starts it again and waits until its S3 gateway answers.
func (s *objectStore) restart(t *testing.T) {
	t.Helper()
	start := time.Now()
	s.srv.Restart()
	t.Logf("object store back in %v", time.Since(start).Round(time.Millisecond))
}

// manifestSources reads a snapshot's manifest from the store (not through
// a replica: the acknowledged snapshot may no longer be served) and
// returns its sources' sha256 by id.
func (s *objectStore) manifestSources(t *testing.T, id string) map[string]string {
	t.Helper()
	key := statePrefix + "/" + snapshot.StateSnapshots + "/" + id + "/" + snapshot.ManifestFile
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := s.srv.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.srv.Bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("read %s from the store: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("read %s from the store: %v", key, err)
	}
	var m snapshot.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	if m.ID != id {
		t.Fatalf("%s names snapshot %q", key, m.ID)
	}
	sums := map[string]string{}
	for _, src := range m.Sources {
		sums[src.ID] = src.SHA256
	}
	return sums
}

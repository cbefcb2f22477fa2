// Package weedtest starts a real S3-compatible object store for DRI's
// tests: SeaweedFS's `weed server` with its S3 gateway, on 127.0.0.1, in a
// temporary directory, with an access key and a bucket.
//
// The binary comes from $DRI_WEED (bench/cluster/build-seaweedfs.sh builds
// and caches it, and prints its path). Without it the tests that need the
// store skip, unless DRI_REQUIRE_CLUSTER=1 (CI), where they fail.
package weedtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The credentials of the test store's one identity.
const (
	AccessKey = "dri-test-access"
	SecretKey = "dri-test-secret-0123456789"
	Region    = "us-east-1"
)

// Server is a running SeaweedFS with an S3 gateway.
type Server struct {
	// Endpoint is the S3 API's base URL (http://127.0.0.1:PORT).
	Endpoint string
	// Bucket exists when Start returns.
	Bucket string

	t    testing.TB
	bin  string
	dir  string
	args []string
	cmd  *exec.Cmd
	log  *os.File
}

// Binary returns the weed binary to use, or skips (fails with
// DRI_REQUIRE_CLUSTER=1) when there is none.
func Binary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("DRI_WEED")
	if bin == "" {
		if os.Getenv("DRI_REQUIRE_CLUSTER") == "1" {
			t.Fatal("DRI_REQUIRE_CLUSTER=1 but DRI_WEED is not set (bench/cluster/build-seaweedfs.sh prints the binary)")
		}
		t.Skip("no S3 server: set DRI_WEED to SeaweedFS's weed binary (bench/cluster/build-seaweedfs.sh builds it)")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("DRI_WEED: %v", err)
	}
	return bin
}

// Start starts a server for the test (stopped at its end) and sets the
// process's AWS environment to its credentials, so that the standard
// credential chain finds them (t.Setenv: not for parallel tests).
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "s3.json")
	if err := os.WriteFile(conf, []byte(`{"identities":[{"name":"dri","credentials":[{"accessKey":"`+AccessKey+
		`","secretKey":"`+SecretKey+`"}],"actions":["Admin","Read","Write","List","Tagging"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	// weed listens on each port and on port+10000 (gRPC): pick ports
	// whose pair is free too.
	ports := freePorts(t, 4)
	s := &Server{t: t, bin: bin, dir: dir, Bucket: "dri-test", Endpoint: fmt.Sprintf("http://127.0.0.1:%d", ports[3])}
	// One master, so its election is won at once: an election timeout of
	// 1 s (not 10) makes a Restart writable in about 16 s instead of 26.
	s.args = []string{"server", "-dir=" + data, "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
		"-master.port=" + strconv.Itoa(ports[0]), "-volume.port=" + strconv.Itoa(ports[1]),
		"-filer", "-filer.port=" + strconv.Itoa(ports[2]),
		"-s3", "-s3.port=" + strconv.Itoa(ports[3]), "-s3.config=" + conf,
		"-s3.port.iceberg=0", "-s3.port.lance=0",
		"-master.volumeSizeLimitMB=64", "-volume.max=16", "-volume.preStopSeconds=0", "-master.electionTimeout=1s"}
	for _, kv := range s.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Cleanup(s.Stop)
	s.start()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for {
		_, err := s.Client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(s.Bucket)})
		if err == nil || strings.Contains(err.Error(), "BucketAlreadyOwnedByYou") || strings.Contains(err.Error(), "BucketAlreadyExists") {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("weedtest: the S3 gateway at %s did not come up in 90 s: %v\n%s", s.Endpoint, err, s.Log())
		}
		time.Sleep(300 * time.Millisecond)
	}
	s.waitWritable(ctx)
	return s
}

// waitWritable waits until a write succeeds: the first write makes the
// master grow volumes, and after a restart the volumes must register again
// (several seconds each), so that the tests' own timeouts measure DRI.
func (s *Server) waitWritable(ctx context.Context) {
	s.t.Helper()
	for {
		_, err := s.Client().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(".warm-up"),
			Body: strings.NewReader("x")})
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			s.t.Fatalf("weedtest: writes to %s failed for 90 s: %v\n%s", s.Endpoint, err, s.Log())
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// Env is the environment a `dri serve` child process needs to reach the
// store (the AWS credential chain's variables).
func (s *Server) Env() []string {
	return []string{"AWS_ACCESS_KEY_ID=" + AccessKey, "AWS_SECRET_ACCESS_KEY=" + SecretKey, "AWS_REGION=" + Region,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=" + filepath.Join(s.dir, "no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(s.dir, "no-aws-credentials")}
}

// URL is the --state URL of a prefix of the bucket.
func (s *Server) URL(prefix string) string {
	return "s3://" + s.Bucket + "/" + prefix + "?endpoint=" + s.Endpoint + "&region=" + Region
}

// Client is an S3 client of the store (for the tests' own checks).
func (s *Server) Client() *s3.Client {
	return s3.New(s3.Options{Region: Region, BaseEndpoint: aws.String(s.Endpoint), UsePathStyle: true,
		Credentials:                credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired})
}

func (s *Server) start() {
	s.t.Helper()
	log, err := os.OpenFile(filepath.Join(s.dir, "weed.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		s.t.Fatal(err)
	}
	cmd := exec.Command(s.bin, s.args...)
	cmd.Dir = s.dir
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		log.Close()
		s.t.Fatalf("weedtest: %v", err)
	}
	s.cmd, s.log = cmd, log
}

// Stop stops the server (its data stay, for Restart).
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second): // weed takes 10 s and more to stop on SIGTERM
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	s.log.Close()
	s.cmd = nil
}

// Restart starts a stopped server again on the same ports and data, and
// waits until its S3 gateway answers.
func (s *Server) Restart() {
	s.t.Helper()
	s.start()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for {
		_, err := s.Client().HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(s.Bucket)})
		if err == nil {
			s.waitWritable(ctx)
			return
		}
		if ctx.Err() != nil {
			s.t.Fatalf("weedtest: restarted S3 gateway did not answer in 90 s: %v\n%s", err, s.Log())
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// Log returns the end of the server's log (for failure messages).
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "weed.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// freePorts returns n ports that are free, with their gRPC companions
// (port+10000) free too, all below the kernel's ephemeral range. A Restart
// binds the same ports again, and a port in that range can meanwhile be
// the local end of any outgoing connection: once, during the store-down
// scenario's load, the filer's gRPC port was (bind: address already in
// use).
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	lo, hi := 10000, ephemeralLow()-10000
	if hi-lo < 1000 {
		t.Fatalf("weedtest: the ephemeral ports start at %d, too low to pick ports and their gRPC companions below them", hi+10000)
	}
	var out []int
	seen := map[int]bool{}
	for tries := 0; len(out) < n && tries < 1000; tries++ {
		p := lo + rand.IntN(hi-lo)
		if seen[p] || seen[p+10000] || seen[p-10000] {
			continue
		}
		if free(p) && free(p+10000) {
			seen[p] = true
			out = append(out, p)
		}
	}
	if len(out) < n {
		t.Fatal("weedtest: no free ports")
	}
	return out
}

// ephemeralLow is the first port the kernel hands out to outgoing
// connections (net.ipv4.ip_local_port_range; Linux's default 32768 when
// it cannot be read).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 32768
	}
	low, err := strconv.Atoi(f[0])
	if err != nil {
		return 32768
	}
	return low
}

func free(port int) bool {
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

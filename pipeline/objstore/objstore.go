// Package objstore is DRI's client of an S3-compatible object store: the
// shared state of stateless `dri serve` replicas (snapshots, uploads and the
// pointer to the snapshot served) lives under one bucket prefix.
//
// It speaks the S3 API through the AWS SDK for Go v2, so any store with that
// API works (AWS S3, SeaweedFS, MinIO, Ceph RGW, Garage, the S3 APIs of GCS
// and Azure gateways). Credentials come from the standard AWS chain
// (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE and the shared
// config files, web identity, instance roles).
//
// Three properties of the store are relied on: a PUT is durable when it is
// acknowledged; a PUT with If-None-Match: * fails (412) when the key exists;
// a PUT with If-Match: <etag> fails (412) when the object changed since that
// ETag was read. The last two make the pointer a compare-and-swap register.
package objstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Errors a caller acts on. Any other failure of the store (unreachable,
// timed out, 5xx, access denied) wraps ErrUnavailable.
var (
	ErrNotExist     = errors.New("objstore: no such object")
	ErrPrecondition = errors.New("objstore: precondition failed (the object changed or exists)")
	ErrUnavailable  = errors.New("objstore: object store unavailable")
)

// Store is a prefix of a bucket.
type Store struct {
	client *s3.Client
	bucket string
	prefix string // "" or "a/b/" (always ends with a slash)
	// Timeout bounds one small request (pointer, manifest); transfers of
	// snapshot files and uploads get ten times as long.
	Timeout time.Duration
}

// IsURL reports whether a --state value names an object store (s3://)
// rather than a directory.
func IsURL(s string) bool { return strings.HasPrefix(s, "s3://") }

// Open parses an s3:// URL and returns its store:
//
//	s3://BUCKET[/PREFIX][?endpoint=URL&region=REGION]
//
// endpoint is the S3 API's base URL for stores other than AWS (path-style
// addressing is then used, which every S3-compatible store accepts); region
// defaults to AWS_REGION, else us-east-1. Open does not contact the store:
// Check does.
func Open(ctx context.Context, raw string) (*Store, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" {
		return nil, fmt.Errorf("objstore: %q is not an s3://BUCKET/PREFIX URL", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("objstore: %s: no bucket (s3://BUCKET/PREFIX)", Redact(raw))
	}
	q := u.Query()
	for k := range q {
		if k != "endpoint" && k != "region" {
			return nil, fmt.Errorf("objstore: %s: unknown parameter %q (endpoint and region are known)", Redact(raw), k)
		}
	}
	prefix := strings.Trim(u.Path, "/")
	if prefix != "" {
		prefix += "/"
	}
	var opts []func(*config.LoadOptions) error
	if r := q.Get("region"); r != "" {
		opts = append(opts, config.WithRegion(r))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("objstore: %s: AWS configuration: %w", Redact(raw), err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	endpoint := q.Get("endpoint")
	if endpoint != "" {
		e, err := url.Parse(endpoint)
		if err != nil || (e.Scheme != "http" && e.Scheme != "https") || e.Host == "" {
			return nil, fmt.Errorf("objstore: %s: endpoint %q is not an http(s) URL", Redact(raw), endpoint)
		}
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
		}
		// DRI checks every file against its SHA-256 itself; the SDK's
		// default trailing CRC checksums (aws-chunked uploads) are not
		// understood by every S3-compatible store.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		// One retry, and no client-side retry quota: the standard
		// retryer's token bucket, drained by the failed polls of a long
		// outage, would otherwise refuse the retries of the first requests
		// after the store is back ("retry quota exceeded").
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 2
			so.MaxBackoff = 200 * time.Millisecond // not up to 2 s: a poll or an upload's 503 waits for it
			so.RateLimiter = ratelimit.None
		})
	})
	return &Store{client: client, bucket: u.Host, prefix: prefix, Timeout: 5 * time.Second}, nil
}

// Redact returns an s3:// URL as logs and messages show it: without its
// query (which may hold an endpoint with credentials in it).
func Redact(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = nil
		return u.String()
	}
	return raw
}

// String names the store as s3://BUCKET/PREFIX.
func (s *Store) String() string { return "s3://" + s.bucket + "/" + s.prefix }

func (s *Store) key(k string) *string { return aws.String(s.prefix + k) }

func (s *Store) ctx(ctx context.Context, big bool) (context.Context, context.CancelFunc) {
	d := s.Timeout
	if big {
		d *= 10
	}
	return context.WithTimeout(ctx, d)
}

// Check verifies that the bucket exists and the credentials may use it.
func (s *Store) Check(ctx context.Context) error {
	ctx, cancel := s.ctx(ctx, false)
	defer cancel()
	_, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(s.bucket)})
	if status(err) == http.StatusNotFound {
		return fmt.Errorf("%w: bucket %q does not exist (create it first)", ErrUnavailable, s.bucket)
	}
	return s.wrap("check bucket", "", err)
}

// Get reads an object and its ETag.
func (s *Store) Get(ctx context.Context, key string) ([]byte, string, error) {
	data, etag, _, err := s.get(ctx, key, "", true)
	return data, etag, err
}

// GetIfChanged reads an object unless its ETag is still etag (a conditional
// GET: one small request that returns no body when nothing changed).
func (s *Store) GetIfChanged(ctx context.Context, key, etag string) (data []byte, newETag string, changed bool, err error) {
	return s.get(ctx, key, etag, false)
}

func (s *Store) get(ctx context.Context, key, etag string, big bool) ([]byte, string, bool, error) {
	ctx, cancel := s.ctx(ctx, big)
	defer cancel()
	in := &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: s.key(key)}
	if etag != "" {
		in.IfNoneMatch = aws.String(etag)
	}
	out, err := s.client.GetObject(ctx, in)
	if err != nil {
		if etag != "" && status(err) == http.StatusNotModified {
			return nil, etag, false, nil
		}
		return nil, "", false, s.wrap("get", key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, "", false, s.wrap("get", key, err)
	}
	return data, aws.ToString(out.ETag), true, nil
}

// Exists reports whether an object exists.
func (s *Store) Exists(ctx context.Context, key string) (bool, error) {
	ctx, cancel := s.ctx(ctx, false)
	defer cancel()
	_, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: s.key(key)})
	if err == nil {
		return true, nil
	}
	if err = s.wrap("head", key, err); errors.Is(err, ErrNotExist) {
		return false, nil
	}
	return false, err
}

// Cond is the condition of a write.
type Cond struct {
	// IfAbsent writes only when no object has the key (If-None-Match: *).
	IfAbsent bool
	// IfMatch writes only when the object's ETag is still this one.
	IfMatch string
}

// Put writes an object, durably when it returns nil, and returns its ETag.
// A write whose condition does not hold is ErrPrecondition and changes
// nothing.
func (s *Store) Put(ctx context.Context, key string, data []byte, c Cond) (string, error) {
	ctx, cancel := s.ctx(ctx, len(data) > 1<<20)
	defer cancel()
	in := &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: s.key(key), Body: bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data)))}
	if c.IfAbsent {
		in.IfNoneMatch = aws.String("*")
	}
	if c.IfMatch != "" {
		in.IfMatch = aws.String(c.IfMatch)
	}
	out, err := s.client.PutObject(ctx, in)
	if err != nil {
		return "", s.wrap("put", key, err)
	}
	return aws.ToString(out.ETag), nil
}

// List returns the keys under a prefix (relative to the store's prefix).
func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	ctx, cancel := s.ctx(ctx, true)
	defer cancel()
	var keys []string
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), Prefix: s.key(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s.wrap("list", prefix, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, strings.TrimPrefix(aws.ToString(o.Key), s.prefix))
		}
	}
	return keys, nil
}

// Delete removes an object (no error when it does not exist).
func (s *Store) Delete(ctx context.Context, key string) error {
	ctx, cancel := s.ctx(ctx, false)
	defer cancel()
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: s.key(key)})
	if err = s.wrap("delete", key, err); errors.Is(err, ErrNotExist) {
		return nil
	}
	return err
}

// wrap classifies an SDK error: 404 is ErrNotExist, 412 ErrPrecondition,
// anything else ErrUnavailable, with the operation and key (never the
// endpoint or credentials) in the message.
func (s *Store) wrap(op, key string, err error) error {
	if err == nil {
		return nil
	}
	where := s.String() + key
	switch status(err) {
	case http.StatusNotFound:
		return fmt.Errorf("%w: %s", ErrNotExist, where)
	case http.StatusPreconditionFailed:
		return fmt.Errorf("%w: %s %s", ErrPrecondition, op, where)
	}
	return &Error{Op: op, Key: where, Err: err}
}

// Error is a failure of the store other than a missing object or a failed
// precondition; errors.Is(err, ErrUnavailable) holds.
type Error struct {
	Op, Key string
	Err     error
}

func (e *Error) Error() string {
	return fmt.Sprintf("object store unavailable: %s %s: %s", e.Op, e.Key, brief(e.Err))
}
func (e *Error) Unwrap() []error { return []error{ErrUnavailable, e.Err} }

// brief shortens the SDK's long error chains to their cause.
func brief(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, "dial tcp "); i >= 0 {
		return msg[i:]
	}
	if status(err) != 0 {
		return fmt.Sprintf("HTTP %d: %s", status(err), msg)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return msg
}

func status(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

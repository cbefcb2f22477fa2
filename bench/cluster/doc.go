// Package cluster holds the cluster tests of issue 18: the real dri binary
// run as three `dri serve --state s3://...` replicas sharing one
// S3-compatible object store (SeaweedFS, started by internal/weedtest),
// with nginx (Debian) round-robin in front and wrk (Debian) as the load.
// Every scenario prints its figures; `make test-cluster` runs them all.
// The package has no code outside its tests; README.md says how to run it.
package cluster

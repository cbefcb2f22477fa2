package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"io/fs"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/load"
)

// This package's tests run dri's commands in this process (dri(t, ...)
// calls run), and most of them load the embedded data as shipped: some
// 180 loads, each about 2 s under the race detector, were most of the
// package's time. TestMain has the commands share one load per set of
// options instead (sharedLoads.load): the first command with those options
// runs the pipeline, the others get the same result, each with its own
// reference to the Arrow table (their Release releases only theirs).
//
// A real process runs one command, so sharing is only sound if no command
// changes its result. After the tests TestMain checks that: the digest of
// every shared result (its Reference, Registry, Catalogue, Report and
// Checksums, field by field, and the table's shape) must be what it was
// when loaded, or the package fails and names the options. It also removes
// the binary that the tests running dri as a process share (buildBinary).
func TestMain(m *testing.M) {
	runPipeline = shared.load
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	if err := shared.unchanged(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

var shared = &sharedLoads{loads: map[string]*sharedLoad{}}

type sharedLoads struct {
	mu    sync.Mutex
	loads map[string]*sharedLoad
}

type sharedLoad struct {
	once   sync.Once
	res    *pipeline.Result
	err    error
	digest [sha256.Size]byte
}

// load is load.Load, shared among the loads of the embedded data alone
// (no user directory, no extra files, no other allocator or year bound);
// any other load runs the pipeline of its own.
func (s *sharedLoads) load(ctx context.Context, opt load.Options) (*pipeline.Result, error) {
	key, ok := shareKey(opt)
	if !ok {
		return load.Load(ctx, opt)
	}
	s.mu.Lock()
	l := s.loads[key]
	if l == nil {
		l = &sharedLoad{}
		s.loads[key] = l
	}
	s.mu.Unlock()
	l.once.Do(func() {
		// Not the caller's context: a cancelled command must not leave
		// the others a cancelled load.
		l.res, l.err = load.Load(context.Background(), opt)
		if l.err == nil {
			l.digest = digest(l.res)
		}
	})
	if l.err != nil {
		return nil, l.err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := *l.res
	c.Observations.Retain()
	return &c, nil
}

// shareKey says which loads share a result: those of the embedded data with
// the same indicators and reader limits, and no other option set (an option
// added to load.Options later is "other" until it is named here).
func shareKey(opt load.Options) (string, bool) {
	if opt.Base != fs.FS(datasets.FS) {
		return "", false
	}
	v := reflect.ValueOf(opt)
	for i := range v.NumField() {
		switch v.Type().Field(i).Name {
		case "Base", "Indicators", "MaxLineBytes", "MaxMessageBytes":
		default:
			if !v.Field(i).IsZero() {
				return "", false
			}
		}
	}
	ind := "all"
	if opt.Indicators != nil {
		ind = "[" + strings.Join(opt.Indicators, ",") + "]"
	}
	return fmt.Sprintf("indicators %s, max-line-bytes %d, max-message-bytes %d", ind, opt.MaxLineBytes, opt.MaxMessageBytes), true
}

// unchanged checks every shared result against its digest when loaded.
func (s *sharedLoads) unchanged() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var changed []string
	for key, l := range s.loads {
		if l.res != nil && digest(l.res) != l.digest {
			changed = append(changed, key)
		}
	}
	if len(changed) == 0 {
		return nil
	}
	slices.Sort(changed)
	return fmt.Errorf("cmd/dri tests: a command changed a load of the embedded data that other commands share (TestMain); a command must not write into its pipeline result. Loads changed: %s", strings.Join(changed, "; "))
}

// digest hashes what a result holds: every field reachable from its
// Reference, Registry, Catalogue, Report and Checksums, exported or not,
// and the Arrow table's shape (its buffers are immutable, and their
// reference counts change with every Retain and Release).
func digest(r *pipeline.Result) [sha256.Size]byte {
	h := sha256.New()
	fmt.Fprintf(h, "rows %d, columns %d, schema %s\n", r.Observations.NumRows(), r.Observations.NumCols(), r.Observations.Schema())
	w := digester{h: h, seen: map[uintptr]bool{}}
	for _, v := range []any{r.Reference, r.Registry, r.Catalogue, r.Report, r.Checksums} {
		w.value(reflect.ValueOf(v))
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

type digester struct {
	h    hash.Hash
	seen map[uintptr]bool // pointers already walked (shared or cyclic)
}

func (d digester) write(format string, a ...any) { fmt.Fprintf(d.h, format, a...) }

// value writes v's contents: pointers followed once, maps in key order,
// locks and atomics (state, not content) skipped.
func (d digester) value(v reflect.Value) {
	switch v.Kind() {
	case reflect.Invalid:
		d.write("nil;")
	case reflect.Bool:
		d.write("%t;", v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		d.write("%d;", v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		d.write("%d;", v.Uint())
	case reflect.Float32, reflect.Float64:
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v.Float()))
		d.h.Write(b[:])
	case reflect.String:
		d.write("%q;", v.String())
	case reflect.Pointer:
		if v.IsNil() {
			d.write("nil;")
			return
		}
		if d.seen[v.Pointer()] {
			d.write("seen %s;", v.Type())
			return
		}
		d.seen[v.Pointer()] = true
		d.value(v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			d.write("nil;")
			return
		}
		d.write("%s:", v.Elem().Type())
		d.value(v.Elem())
	case reflect.Slice, reflect.Array:
		d.write("[%d:", v.Len())
		for i := range v.Len() {
			d.value(v.Index(i))
		}
		d.write("];")
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		d.write("{%d:", len(keys))
		for _, k := range keys {
			d.value(k)
			d.value(v.MapIndex(k))
		}
		d.write("};")
	case reflect.Struct:
		if p := v.Type().PkgPath(); p == "sync" || p == "sync/atomic" {
			return
		}
		d.write("%s{", v.Type())
		for i := range v.NumField() {
			d.write("%s=", v.Type().Field(i).Name)
			d.value(v.Field(i))
		}
		d.write("};")
	default:
		// Funcs and channels: their identity is all there is to write.
		d.write("%s;", v.Kind())
	}
}

// TestSharedLoadsNoticeAChange: the check TestMain runs after the tests
// fails when a command writes into a shared result (here, an alias added to
// its Reference), and names the load.
func TestSharedLoadsNoticeAChange(t *testing.T) {
	opt := load.Options{Base: datasets.FS, Indicators: []string{"egov.egdi"}, MaxLineBytes: pipeline.DefaultMaxLineBytes + 1}
	key, ok := shareKey(opt)
	if !ok {
		t.Fatalf("a load of the embedded data is not shared: %+v", opt)
	}
	defer func() {
		shared.mu.Lock()
		delete(shared.loads, key)
		shared.mu.Unlock()
	}()
	res, err := shared.load(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	if err := shared.unchanged(); err != nil {
		t.Fatalf("before any change: %v", err)
	}
	res.Reference.SetAlias("a name no unit has", "KEN")
	if err := shared.unchanged(); err == nil || !strings.Contains(err.Error(), key) {
		t.Errorf("after a change to the shared Reference: %v, want an error naming %q", err, key)
	}
	if again, _ := shared.load(context.Background(), opt); again == nil || again.Reference != res.Reference {
		t.Errorf("a second load with the same options is not the shared result")
	} else {
		again.Release()
	}
	for what, o := range map[string]load.Options{
		"an extra file": {Base: datasets.FS, Extra: []load.ExtraFile{{Path: "x.csv"}}},
		"a year bound":  {Base: datasets.FS, MaxYear: 2020},
		"a user's name": {Base: datasets.FS, UserName: "dir"},
	} {
		if _, ok := shareKey(o); ok {
			t.Errorf("a load with %s is shared", what)
		}
	}
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/dri-engine/dri/datasets"
	"github.com/dri-engine/dri/indicators/engine"
	"github.com/dri-engine/dri/pipeline"
	"github.com/dri-engine/dri/pipeline/load"
)

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// dataFlag is the --data option shared by the commands: a directory with its
// own catalog.yaml, or a single file in the long format. indicators, when
// set, are all the command reads (load.Options.Indicators).
type dataFlag struct {
	path       string
	indicators []string
	// Reader limits (load.Options.MaxLineBytes, MaxMessageBytes), set
	// by flags; 0 means the pipeline's defaults.
	maxLine    int
	maxMessage int64
}

// flags adds --data and the readers' limits to a command that reads data
// files: every such command takes --max-line-bytes and --max-message-bytes,
// which a too-large problem names.
func (d *dataFlag) flags(fs *flag.FlagSet) {
	fs.StringVar(&d.path, "data", "", dataUsage)
	fs.IntVar(&d.maxLine, "max-line-bytes", pipeline.DefaultMaxLineBytes,
		"longest line of a text data file; a longer line rejects the file (too-large)")
	fs.Int64Var(&d.maxMessage, "max-message-bytes", pipeline.DefaultMaxMessageBytes,
		"largest Arrow IPC message, decompressed buffer, or Arrow memory held while reading one IPC file")
}

// checkLimits refuses negative reader limits.
func (d dataFlag) checkLimits() error {
	if d.maxLine < 0 || d.maxMessage < 0 {
		return usagef("--max-line-bytes and --max-message-bytes must not be negative")
	}
	return nil
}

const dataUsage = "a data directory with its catalog.yaml (adds to or overrides the embedded sources), or one long-format file (.csv, .parquet, .arrow)"

// options builds the load options for the embedded data plus --data.
func (d dataFlag) options() (load.Options, error) {
	opt := load.Options{Base: datasets.FS, Indicators: d.indicators, MaxLineBytes: d.maxLine, MaxMessageBytes: d.maxMessage}
	if err := d.checkLimits(); err != nil {
		return opt, err
	}
	if d.path == "" {
		return opt, nil
	}
	st, err := os.Stat(d.path)
	if err != nil {
		return opt, usagef("--data: %v", err)
	}
	if st.IsDir() {
		if _, err := os.Stat(filepath.Join(d.path, pipeline.CatalogueFile)); err != nil {
			return opt, usagef("--data %s: no %s in the directory", d.path, pipeline.CatalogueFile)
		}
		opt.User = os.DirFS(d.path)
		opt.UserName = d.path
		return opt, nil
	}
	opt.Extra = append(opt.Extra, extraFile(d.path))
	return opt, nil
}

// frameworkNeeds returns the indicators scoring a framework (a shipped id or
// a YAML file) reads, so that only their sources are loaded; nil (load
// everything) when the framework cannot be read before the data, in which
// case the engine reports the problem once the data are loaded.
func frameworkNeeds(id string) []string {
	if strings.HasSuffix(id, ".yaml") || strings.HasSuffix(id, ".yml") {
		data, err := os.ReadFile(id)
		if err != nil {
			return nil
		}
		return engine.NeedsOfFile(id, data)
	}
	return engine.NeedsOf(datasets.Frameworks, id)
}

func extraFile(path string) load.ExtraFile {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return load.ExtraFile{FS: os.DirFS(filepath.Dir(abs)), Path: filepath.Base(abs), Name: path}
}

// progress returns a progress callback drawing a bar on stderr when stderr is
// a terminal, and nil (silent) otherwise.
func (e *env) progress(what string) (func(done, total int, item string), func()) {
	if !e.stderrTTY {
		return nil, func() {}
	}
	var bar *progressbar.ProgressBar
	return func(done, total int, item string) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(e.stderr),
					progressbar.OptionSetDescription(what), progressbar.OptionClearOnFinish(),
					progressbar.OptionShowCount(), progressbar.OptionSetWidth(30))
			}
			bar.Describe(fmt.Sprintf("%s %s", what, shorten(item, 40)))
			_ = bar.Set(done)
		}, func() {
			if bar != nil {
				_ = bar.Finish()
			}
		}
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n+1:]
}

// pipelineLoads counts the pipeline runs of this process (embedded data plus
// --data): the tests check that a command which does not need them, such as
// dri score --imeta, never starts one.
var pipelineLoads atomic.Int64

// runPipeline is the pipeline run behind env.load: load.Load. This
// package's tests, which run many commands in one process, share the loads
// of the embedded data between them (shared_loads_test.go).
var runPipeline = load.Load

// load runs the pipeline with a progress bar.
func (e *env) load(ctx context.Context, opt load.Options) (*pipeline.Result, error) {
	pipelineLoads.Add(1)
	p, done := e.progress("loading")
	opt.Progress = p
	res, err := runPipeline(ctx, opt)
	done()
	return res, err
}

// loadValid is load for a command that uses what it loads: data with
// validation errors (a row quarantined, a file rejected) are refused with
// the report on stderr, never used without the rows that failed.
func (e *env) loadValid(ctx context.Context, opt load.Options) (*pipeline.Result, error) {
	res, err := e.load(ctx, opt)
	if err != nil {
		return nil, err
	}
	if n := res.Report.Errors(); n > 0 {
		res.Report.WriteText(e.stderr, false)
		res.Release()
		return nil, fmt.Errorf("%d validation errors in the data (see dri validate)", n)
	}
	return res, nil
}

// resolveUnits maps what the user typed (ISO3, ISO2, names) to unit codes,
// and group codes to their members.
func resolveUnits(ref *pipeline.Reference, list []string) (units []string, groups []string, err error) {
	var bad []string
	for _, s := range list {
		// Each unit and group once however it was spelt (ldc,LDC; KEN,KE), as
		// the API's parseUnits.
		if g, ok := ref.Group(strings.ToUpper(s)); ok {
			if !slices.Contains(groups, g.Code) {
				groups = append(groups, g.Code)
			}
			continue
		}
		u, ok := ref.LookupUnit(s)
		if !ok {
			bad = append(bad, s)
			continue
		}
		if !slices.Contains(units, u.Code) {
			units = append(units, u.Code)
		}
	}
	if len(bad) > 0 {
		return nil, nil, usagef("--unit: unknown unit(s) %s (use ISO 3166 alpha-3 or alpha-2 codes, or a group code such as LDC)", strings.Join(bad, ", "))
	}
	return units, groups, nil
}

func readCatalogueFS(fsys fs.FS) (*pipeline.Catalogue, error) {
	data, err := fs.ReadFile(fsys, pipeline.CatalogueFile)
	if err != nil {
		return nil, err
	}
	return pipeline.ParseCatalogue(pipeline.CatalogueFile, data)
}

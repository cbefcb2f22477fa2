// Command dri is the Digital Readiness Indicators engine: it loads public
// country datasets, validates them, builds composite readiness and gender-gap
// scores and serves them. Run `dri help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"sort"
	"syscall"
)

// Exit codes.
const (
	exitOK       = 0
	exitProblems = 1 // the command ran and found problems, or failed
	exitUsage    = 2
)

// errProblems says the command ran but found problems (validation errors);
// it has already reported them.
var errProblems = errors.New("problems found")

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, env *env) error
}

// env is what every command gets: its streams.
type env struct {
	stdout, stderr io.Writer
	// stderrTTY says whether stderr is a terminal (progress bars only then).
	stderrTTY bool
	// onFlags, when set, is given every flag set a command makes (dri
	// completion reads the commands' flags this way).
	onFlags func(*flag.FlagSet)
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// DRI_CPUPROFILE=FILE writes a CPU profile of the command (go tool pprof).
	if path := os.Getenv("DRI_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if err := pprof.StartCPUProfile(f); err == nil {
				defer f.Close()
				defer pprof.StopCPUProfile()
			}
		}
	}
	// DRI_MEMPROFILE=FILE writes the allocations of the command
	// (go tool pprof -sample_index=alloc_space).
	memPath := os.Getenv("DRI_MEMPROFILE")
	if memPath != "" {
		runtime.MemProfileRate = 64 << 10
	}
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	pprof.StopCPUProfile()
	if memPath != "" {
		runtime.GC() // the profile is as of the last collection
		if f, err := os.Create(memPath); err == nil {
			_ = pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	os.Exit(code)
}

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr, stderrTTY: isTerminal(stderr)}
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = append([]string{"version"}, args[1:]...)
	}
	if len(args) == 0 {
		printUsage(stdout)
		return exitUsage
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		return runHelp(e, args[1:], func(args []string) int { return run(ctx, args, stdout, stderr) })
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "dri: unknown command %q\n\n", args[0])
		printUsage(stderr)
		return exitUsage
	}
	return exitCode(c.run(ctx, args[1:], e), stderr)
}

func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errProblems):
		return exitProblems
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "dri: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "dri: %v\n", err)
	return exitProblems
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "dri — Digital Readiness Indicators engine")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: dri <command> [flags]   (dri <command> --help for its flags)")
	fmt.Fprintln(w)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w)
	printTopics(w)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Data goes to standard output; logs and progress to standard error.")
	fmt.Fprintln(w, "Exit codes: 0 success, 1 problems found or failure, 2 usage error.")
}

// newFlags returns a flag set that reports errors as usage errors and
// prints its help to stdout on --help.
func newFlags(name, usage string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet("dri "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if e.onFlags != nil {
		e.onFlags(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: dri %s\n\n", usage)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args; --help prints usage and returns flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return flag.ErrHelp // the flag package has printed the usage
		}
		return usagef("%s: %v (see --help)", fs.Name(), err)
	}
	return nil
}

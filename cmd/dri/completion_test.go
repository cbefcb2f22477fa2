package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// helpFlags returns the flags dri CMD --help lists (the flag package's
// PrintDefaults lines "  -name ..."), independently of the completion code.
func helpFlags(t *testing.T, cmd string) []string {
	t.Helper()
	code, stdout, _ := dri(t, cmd, "--help")
	if code != exitOK {
		t.Fatalf("dri %s --help: exit %d", cmd, code)
	}
	var flags []string
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(stdout, -1) {
		flags = append(flags, m[1])
	}
	if len(flags) == 0 {
		t.Fatalf("dri %s --help lists no flags:\n%s", cmd, stdout)
	}
	return flags
}

func TestCompletionBash(t *testing.T) {
	code, script, stderr := dri(t, "completion", "bash")
	if code != exitOK {
		t.Fatalf("dri completion bash: exit %d: %s", code, stderr)
	}
	path := filepath.Join(t.TempDir(), "dri.bash")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("bash", "-n", path).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	for name := range commands {
		if !regexp.MustCompile(`(?m)^        ` + regexp.QuoteMeta(name) + `\) `).MatchString(script) {
			t.Errorf("the bash script has no case for command %s", name)
		}
	}
	for _, f := range helpFlags(t, "data") {
		if !strings.Contains(script, "--"+f+" ") && !strings.Contains(script, "--"+f+"'") {
			t.Errorf("the bash script lacks dri data's flag --%s", f)
		}
	}
	// What bash offers, as the user would see it at the prompt.
	for _, c := range []struct {
		words string
		want  string
	}{
		{"dri data --ind", "--indicator"},
		{"dri export --fo", "--format"},
		{"dri completion f", "fish"},
		{"dri help synta", "syntax"},
		{"dri vers", "version"},
	} {
		words := strings.Fields(c.words)
		prog := "source " + path + "; COMP_WORDS=(" + c.words + "); COMP_CWORD=" + strconv.Itoa(len(words)-1) + `; _dri; echo "${COMPREPLY[*]}"`
		out, err := exec.Command("bash", "-c", prog).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.words, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != c.want {
			t.Errorf("bash completes %q to %q, want %q", c.words, got, c.want)
		}
	}
}

// TestCompletionZshFish checks the other scripts name every flag of dri data
// and, where the shell is installed, that it parses them.
func TestCompletionZshFish(t *testing.T) {
	for _, shell := range []string{"zsh", "fish"} {
		code, script, stderr := dri(t, "completion", shell)
		if code != exitOK {
			t.Fatalf("dri completion %s: exit %d: %s", shell, code, stderr)
		}
		for _, f := range helpFlags(t, "data") {
			want := "'--" + f + "["
			if shell == "fish" {
				want = "'__fish_seen_subcommand_from data' -l " + f + " "
			}
			if !strings.Contains(script, want) {
				t.Errorf("the %s script lacks dri data's flag --%s", shell, f)
			}
		}
		bin, err := exec.LookPath(shell)
		if err != nil {
			t.Logf("%s not installed: its script's syntax is not checked", shell)
			continue
		}
		path := filepath.Join(t.TempDir(), "dri."+shell)
		if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(bin, "-n", path).CombinedOutput(); err != nil {
			t.Errorf("%s -n: %v\n%s", shell, err, out)
		}
		if shell == "fish" {
			// What fish offers at the prompt (complete -C).
			out, err := exec.Command(bin, "-c", "source "+path+"; complete -C 'dri data --ind'; complete -C 'dri completion z'").CombinedOutput()
			if got := string(out); err != nil || !strings.HasPrefix(got, "--indicator\t") || !strings.Contains(got, "\nzsh") {
				t.Errorf("fish completes dri data --ind and dri completion z to %q (%v), want --indicator and zsh", got, err)
			}
		}
	}
	if code, _, _ := dri(t, "completion", "powershell"); code != exitUsage {
		t.Errorf("dri completion powershell: exit %d, want %d", code, exitUsage)
	}
}

func TestHelpTopics(t *testing.T) {
	names := topicNames()
	for _, want := range []string{"groups", "own-data", "syntax"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("topics %v lack %s", names, want)
		}
	}
	_, usage, _ := dri(t, "help")
	for _, n := range names {
		if _, ok := commands[n]; ok {
			t.Errorf("topic %s has a command's name: dri help %s would not reach it", n, n)
		}
		file, err := os.ReadFile(filepath.Join("topics", n+".md"))
		if err != nil {
			t.Fatal(err)
		}
		code, stdout, _ := dri(t, "help", n)
		if code != exitOK || stdout != string(file) {
			t.Errorf("dri help %s: exit %d, output differs from topics/%s.md", n, code, n)
		}
		if !strings.Contains(usage, "  "+n+" ") {
			t.Errorf("dri help does not list topic %s:\n%s", n, usage)
		}
	}
	if code, stdout, _ := dri(t, "help", "data"); code != exitOK || !strings.HasPrefix(stdout, "Usage: dri data") {
		t.Errorf("dri help data: exit %d, want the command's help:\n%s", code, stdout)
	}
	if code, _, stderr := dri(t, "help", "nope"); code != exitUsage || !strings.Contains(stderr, "syntax") {
		t.Errorf("dri help nope: exit %d, stderr %q (want 2 and the topics)", code, stderr)
	}
}

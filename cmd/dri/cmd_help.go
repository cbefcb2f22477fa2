package main

import (
	"embed"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
)

// The help topics (dri help TOPIC) are the Markdown files in topics/: one
// source for the terminal and for the README's links.
//
//go:embed topics/*.md
var topicFiles embed.FS

// topicNames returns the help topics, sorted.
func topicNames() []string {
	entries, _ := fs.ReadDir(topicFiles, "topics")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".md"))
	}
	sort.Strings(names)
	return names
}

// topicSummary is a topic's first line without its "# dri help NAME — ".
func topicSummary(name string) string {
	text, err := topicFiles.ReadFile("topics/" + name + ".md")
	if err != nil {
		return ""
	}
	first, _, _ := strings.Cut(string(text), "\n")
	if _, s, ok := strings.Cut(first, " — "); ok {
		return s
	}
	return strings.TrimPrefix(first, "# ")
}

// runHelp prints a command's help or a topic; with no name, the usage.
func runHelp(e *env, args []string, run func([]string) int) int {
	if len(args) == 0 {
		printUsage(e.stdout)
		return exitOK
	}
	if len(args) > 1 {
		fmt.Fprintf(e.stderr, "dri: help takes one command or topic, not %q\n", strings.Join(args, " "))
		return exitUsage
	}
	if _, ok := commands[args[0]]; ok {
		return run([]string{args[0], "--help"})
	}
	text, err := topicFiles.ReadFile("topics/" + args[0] + ".md")
	if err != nil {
		fmt.Fprintf(e.stderr, "dri: help: no command or topic %q (topics: %s)\n", args[0], strings.Join(topicNames(), ", "))
		return exitUsage
	}
	_, err = e.stdout.Write(text)
	if err != nil {
		return exitProblems
	}
	return exitOK
}

// printTopics lists the help topics under the commands in the usage.
func printTopics(w io.Writer) {
	fmt.Fprintln(w, "Help topics (dri help TOPIC):")
	for _, n := range topicNames() {
		fmt.Fprintf(w, "  %-12s %s\n", n, topicSummary(n))
	}
}

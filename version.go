package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/mod/module"
)

// Set at build time by make (and the Dockerfile, and make dist) with
// -ldflags "-X main.version=… -X main.commit=… -X main.date=…". Left empty,
// each is read from the build information the go command stamps.
var version, commit, date string

// buildInfo says which build of the sandbox this is.
type buildInfo struct {
	Version  string // v0.1.0, a pseudo-version, git describe's output, or "devel"
	Commit   string // full revision, "" when unknown
	Date     string // RFC 3339 time of the commit, "" when unknown
	Modified bool   // built from a tree with uncommitted changes
}

// currentBuild is the build of the running binary.
func currentBuild() buildInfo {
	bi, _ := debug.ReadBuildInfo()
	return resolveBuild(version, commit, date, bi)
}

// resolveBuild takes each field from the linker flags when they set it,
// else from what the go command stamped: the module version (go install
// …@v0.1.0, or the pseudo-version of a commit, which carries its revision
// and time), and in a clone vcs.revision, vcs.time and vcs.modified.
func resolveBuild(ldVersion, ldCommit, ldDate string, bi *debug.BuildInfo) buildInfo {
	b := buildInfo{Version: ldVersion, Commit: ldCommit, Date: ldDate}
	if bi == nil {
		if b.Version == "" {
			b.Version = "devel"
		}
		return b
	}
	var vcsRev, vcsTime string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			vcsRev = s.Value
		case "vcs.time":
			vcsTime = s.Value
		case "vcs.modified":
			// Only trusted with the revision it belongs to.
			b.Modified = s.Value == "true" && ldCommit == ""
		}
	}
	mv := bi.Main.Version
	if mv == "(devel)" {
		mv = ""
	}
	if b.Version == "" {
		b.Version = mv
	}
	if b.Version == "" {
		b.Version = "devel"
	}
	if b.Commit == "" {
		b.Commit = vcsRev
	}
	if b.Date == "" {
		b.Date = vcsTime
	}
	// go install of an untagged commit: v0.0.0-20261122100000-0480d4e1c2a3.
	base := strings.TrimSuffix(mv, "+dirty")
	if module.IsPseudoVersion(base) {
		if rev, err := module.PseudoVersionRev(base); err == nil && b.Commit == "" {
			b.Commit = rev
		}
		if t, err := module.PseudoVersionTime(base); err == nil && b.Date == "" {
			b.Date = t.UTC().Format(time.RFC3339)
		}
	}
	if strings.HasSuffix(mv, "+dirty") && ldCommit == "" {
		b.Modified = true
	}
	return b
}

// printVersion is the version command: the version alone on the first
// line (for scripts), then what it was built from.
func printVersion(w io.Writer, b buildInfo) {
	fmt.Fprintf(w, "threescale-sandbox %s\n", b.Version)
	c := b.Commit
	if c == "" {
		c = "unknown"
	}
	if b.Modified {
		c += " (with uncommitted changes)"
	}
	d := b.Date
	if d == "" {
		d = "unknown"
	}
	fmt.Fprintf(w, "  commit:     %s\n", c)
	fmt.Fprintf(w, "  date:       %s\n", d)
	fmt.Fprintf(w, "  go:         %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "  apisonator: %s (the Service Management API it answers as)\n", backendVersion)
}

package main

import (
	"runtime/debug"
	"testing"
)

func TestResolveBuild(t *testing.T) {
	vcs := func(rev, at, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: at}, {Key: "vcs.modified", Value: modified}}
	}
	main := func(v string, s []debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/threescale-sandbox/threescale-sandbox", Version: v}, Settings: s}
	}
	for _, c := range []struct {
		name string
		ld   [3]string
		bi   *debug.BuildInfo
		want buildInfo
	}{
		{"make", [3]string{"v0.1.0", "0480d4ec846402c5afea9cbaaadfb2c4d22b354d", "2026-12-01T21:21:15Z"},
			main("(devel)", nil), buildInfo{"v0.1.0", "0480d4ec846402c5afea9cbaaadfb2c4d22b354d", "2026-12-01T21:21:15Z", false}},
		// The linker's commit wins, and with it goes the stamp's modified flag.
		{"make in a modified clone", [3]string{"devel-0480d4e-dirty", "0480d4ec846402c5afea9cbaaadfb2c4d22b354d", "2026-12-01T21:21:15Z"},
			main("v0.0.0-20261201212115-0480d4ec8464+dirty", vcs("0480d4ec846402c5afea9cbaaadfb2c4d22b354d", "2026-12-01T21:21:15Z", "true")),
			buildInfo{"devel-0480d4e-dirty", "0480d4ec846402c5afea9cbaaadfb2c4d22b354d", "2026-12-01T21:21:15Z", false}},
		{"go install @v0.1.0", [3]string{}, main("v0.1.0", nil), buildInfo{"v0.1.0", "", "", false}},
		{"go install @latest of an untagged commit", [3]string{}, main("v0.0.0-20261201212115-0480d4ec8464", nil),
			buildInfo{"v0.0.0-20261201212115-0480d4ec8464", "0480d4ec8464", "2026-12-01T21:21:15Z", false}},
		{"go install after a tag", [3]string{}, main("v0.1.1-0.20261201212115-0480d4ec8464", nil),
			buildInfo{"v0.1.1-0.20261201212115-0480d4ec8464", "0480d4ec8464", "2026-12-01T21:21:15Z", false}},
		{"go build in a modified clone", [3]string{},
			main("v0.0.0-20261201212115-0480d4ec8464+dirty", vcs("0480d4ec846402c5afea9cbaaadfb2c4d22b354d", "2026-12-01T21:21:15Z", "true")),
			buildInfo{"v0.0.0-20261201212115-0480d4ec8464+dirty", "0480d4ec846402c5afea9cbaaadfb2c4d22b354d", "2026-12-01T21:21:15Z", true}},
		{"go build -buildvcs=false", [3]string{}, main("(devel)", nil), buildInfo{"devel", "", "", false}},
		{"no build information", [3]string{}, nil, buildInfo{"devel", "", "", false}},
	} {
		if got := resolveBuild(c.ld[0], c.ld[1], c.ld[2], c.bi); got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

func TestHealthURL(t *testing.T) {
	for _, c := range []struct{ flag, env, want, err string }{
		{"", "", "http://127.0.0.1:3000/_sandbox/health", ""},
		{"", "0.0.0.0:3000", "http://127.0.0.1:3000/_sandbox/health", ""},
		{"", ":3100", "http://127.0.0.1:3100/_sandbox/health", ""},
		{"", "[::]:3000", "http://[::1]:3000/_sandbox/health", ""},
		{"", "127.0.0.2:3000", "http://127.0.0.2:3000/_sandbox/health", ""},
		{"", "localhost:0", "", `THREESCALE_SANDBOX_ADDR="localhost:0": want HOST:PORT with a fixed port, or give --url`},
		{"", "3000", "", `THREESCALE_SANDBOX_ADDR="3000": want HOST:PORT with a fixed port, or give --url`},
		{"http://sandbox:3000", "0.0.0.0:9", "http://sandbox:3000/_sandbox/health", ""},
		{"http://sandbox:3000/", "", "http://sandbox:3000/_sandbox/health", ""},
		{"https://localhost:3443/_sandbox/health", "", "https://localhost:3443/_sandbox/health", ""},
		{"sandbox:3000", "", "", `--url "sandbox:3000": want an http:// or https:// URL`},
	} {
		got, err := healthURL(c.flag, c.env)
		errText := ""
		if err != nil {
			errText = err.Error()
		}
		if got != c.want || errText != c.err {
			t.Errorf("healthURL(%q, %q) = %q, %q; want %q, %q", c.flag, c.env, got, errText, c.want, c.err)
		}
	}
}

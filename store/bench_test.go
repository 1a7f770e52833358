package store

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/benchworld"
	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
)

var benchSizes = []int{10, 100_000}

func benchWorld(b *testing.B, n int) *fixtures.World {
	b.Helper()
	w, err := fixtures.Parse("bench.yaml", []byte(benchworld.YAML(n)), rand.NewChaCha8([32]byte{1}))
	if err != nil {
		b.Fatal(err)
	}
	return w
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// BenchmarkSeed opens a new store and seeds the generated world of n
// applications into it with the baseline a reset puts back, as a start
// from a fixture does after decoding it, in memory and on a file.
func BenchmarkSeed(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		w := benchWorld(b, n)
		for _, onDisk := range []bool{false, true} {
			b.Run(fmt.Sprintf("apps=%d/db=%t", n, onDisk), func(b *testing.B) {
				b.ReportAllocs()
				for i := range b.N {
					path := ""
					if onDisk {
						path = filepath.Join(b.TempDir(), fmt.Sprintf("seed-%d.db", i))
					}
					st, err := Open(ctx, path, clock.NewFake(now), discard)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := st.SeedWithBaseline(ctx, w); err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					st.Close()
					b.StartTimer()
				}
			})
		}
	}
}

// BenchmarkOpen reopens a database file seeded with the generated world
// of n applications, as a restart from --db does, up to a store that
// serves its catalog.
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		path := filepath.Join(b.TempDir(), "open.db")
		st, err := OpenSeeded(ctx, path, benchWorld(b, n), clock.NewFake(now), discard)
		if err != nil {
			b.Fatal(err)
		}
		st.Close()
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				st, err := Open(ctx, path, clock.NewFake(now), discard)
				if err != nil {
					b.Fatal(err)
				}
				if st.Catalog().ApplicationCount() != n {
					b.Fatalf("%d applications, want %d", st.Catalog().ApplicationCount(), n)
				}
				b.StopTimer()
				st.Close()
				b.StartTimer()
			}
		})
	}
}

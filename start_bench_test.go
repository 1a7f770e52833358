package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/benchworld"
	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/server"
)

// BenchmarkStart is a start up to the first answer, in process: the
// fixture of n applications read, seeded and served (db=false), or the
// database seeded from it opened again (db=true, a restart from --db).
// cmd/loadtest times the same from exec, over loopback.
func BenchmarkStart(b *testing.B) {
	for _, n := range []int{10, 100_000} {
		dir := b.TempDir()
		fixture := filepath.Join(dir, "world.yaml")
		if err := os.WriteFile(fixture, []byte(benchworld.YAML(n)), 0o644); err != nil {
			b.Fatal(err)
		}
		db := filepath.Join(dir, "world.db")
		st, _ := benchStart(b, &serveConfig{fixtures: listFlag{fixture}, db: db})
		st()
		for _, restart := range []bool{false, true} {
			b.Run(fmt.Sprintf("apps=%d/restart=%t", n, restart), func(b *testing.B) {
				b.ReportAllocs()
				for range b.N {
					cfg := &serveConfig{fixtures: listFlag{fixture}}
					if restart {
						cfg = &serveConfig{db: db}
					}
					stop, _ := benchStart(b, cfg)
					b.StopTimer()
					stop()
					b.StartTimer()
				}
			})
		}
	}
}

// benchStart opens the store as serve does, makes the handler and asks it
// one authorize.
func benchStart(b *testing.B, cfg *serveConfig) (func(), string) {
	b.Helper()
	stop, h, _ := benchServe(b, cfg)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/transactions/authorize.xml?"+benchworld.Query(1), nil))
	if rec.Code != 200 {
		b.Fatalf("authorize: %d %s", rec.Code, rec.Body)
	}
	return stop, rec.Body.String()
}

// benchServe opens the store as serve does and makes the API's handler.
func benchServe(b *testing.B, cfg *serveConfig) (func(), http.Handler, seedInfo) {
	b.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clk := clock.NewControl()
	st, seed, err := openStore(ctx, cfg, clk, log)
	if err != nil {
		b.Fatal(err)
	}
	faces, err := server.NewFaces(ctx, server.Options{Store: st, Clock: clk, Logger: log,
		LoadBaseline: seed.baseline.load, World: seed.fixtures})
	if err != nil {
		b.Fatal(err)
	}
	return func() { st.Close(); seed.baseline.close() }, faces.API, seed
}

package store

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
)

func TestZZSeedProf(t *testing.T) {
	path := os.Getenv("ZZ_FIXTURE")
	if path == "" {
		t.Skip()
	}
	db := os.Getenv("ZZ_DB")
	if os.Getenv("ZZ_REOPEN_ONLY") == "" {
		os.Remove(db)
		t0 := time.Now()
		w, err := fixtures.Load([]string{path}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("parse %s", time.Since(t0))
		t0 = time.Now()
		st := open(t, db)
		if err := st.Seed(context.Background(), w); err != nil {
			t.Fatal(err)
		}
		t.Logf("seed %s", time.Since(t0))
		st.Close()
	}
	if db != "" {
		t0 := time.Now()
		st := open(t, db)
		t.Logf("reopen %s", time.Since(t0))
		st.Close()
	}
}

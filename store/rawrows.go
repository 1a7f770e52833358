package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
)

// The load of a big catalog at start reads hundreds of thousands of rows:
// it reads them from the driver itself, without database/sql's locks and
// conversions, and makes objects of them on another goroutine while the
// driver steps through the next ones.

// rawRows reads rows on a driver connection, as rowsOf.
func rawRows(ctx context.Context, conn driver.QueryerContext) rowsOf {
	return func(query string, scan func(rowScanner) error) error {
		if err := eachRaw(ctx, conn, query, scan); err != nil {
			return fmt.Errorf("read %q: %w", firstWords(query), err)
		}
		return nil
	}
}

// rawBatch is the most rows handed over at once; the first batches are
// smaller, so that a small table costs little.
const rawBatch = 256

func eachRaw(ctx context.Context, conn driver.QueryerContext, query string, scan func(rowScanner) error) error {
	r, err := conn.QueryContext(ctx, query, nil)
	if err != nil {
		return err
	}
	defer r.Close()
	width := len(r.Columns())
	batches := make(chan []driver.Value, 4)
	scanned := make(chan error, 1)
	go func() {
		var err error
		for b := range batches {
			for i := 0; err == nil && i+width <= len(b); i += width {
				err = scan(rawRow(b[i : i+width : i+width]))
			}
		}
		scanned <- err
	}()
	var readErr error
	for rows := 8; readErr == nil; rows = min(2*rows, rawBatch) {
		b := make([]driver.Value, 0, rows*width)
		for len(b) < cap(b) {
			if err := r.Next(b[len(b) : len(b)+width]); err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = err
				} else {
					readErr = io.EOF
				}
				break
			}
			b = b[:len(b)+width]
		}
		if len(b) > 0 {
			batches <- b
		}
	}
	close(batches)
	if err := <-scanned; err != nil {
		return err
	}
	if readErr != io.EOF {
		return readErr
	}
	return nil
}

// rawRow is a row as the driver gives it. Its Scan takes the destinations
// the catalog's scans use, with database/sql's rules for them.
type rawRow []driver.Value

func (r rawRow) Scan(dest ...any) error {
	if len(dest) != len(r) {
		return fmt.Errorf("scan %d columns into %d values", len(r), len(dest))
	}
	for i, d := range dest {
		v := r[i]
		bad := func(want string) error { return fmt.Errorf("column %d: %T is not %s", i, v, want) }
		switch d := d.(type) {
		case *int64:
			n, ok := v.(int64)
			if !ok {
				return bad("an integer")
			}
			*d = n
		case *string:
			switch x := v.(type) {
			case string:
				*d = x
			case []byte:
				*d = string(x)
			default:
				return bad("text")
			}
		case *bool:
			n, ok := v.(int64)
			if !ok || (n != 0 && n != 1) {
				return bad("0 or 1")
			}
			*d = n == 1
		case *sql.NullInt64:
			if v == nil {
				*d = sql.NullInt64{}
				continue
			}
			n, ok := v.(int64)
			if !ok {
				return bad("an integer")
			}
			*d = sql.NullInt64{Int64: n, Valid: true}
		case sql.Scanner:
			if err := d.Scan(v); err != nil {
				return fmt.Errorf("column %d: %w", i, err)
			}
		default:
			return fmt.Errorf("column %d: cannot scan into %T", i, d)
		}
	}
	return nil
}

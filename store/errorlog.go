package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// maxErrors is how many errors a service keeps, newest first, as apisonator.
const maxErrors = 1000

// ErrorRecord is one entry of a service's error log: a failed report batch or
// an authorization call that raised an error.
type ErrorRecord struct {
	Code    string
	Message string
	Time    time.Time
	// Context is a JSON object describing the request ({} for reports).
	Context json.RawMessage
}

// RecordError appends an entry to a service's error log. It does not wait
// for the commit: the log is diagnostic, and reads of it are queued behind
// this write anyway.
func (s *Store) RecordError(serviceID string, e ErrorRecord) {
	ctxJSON := string(e.Context)
	if ctxJSON == "" {
		ctxJSON = "{}"
	}
	err := s.submit(&op{fn: func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO errors (service_id, code, message, timestamp, context)
			VALUES (?, ?, ?, ?, ?)`, serviceID, e.Code, e.Message, e.Time.Unix(), ctxJSON); err != nil {
			return fmt.Errorf("record error: %w", err)
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM errors WHERE service_id = ? AND id <= (
			SELECT id FROM errors WHERE service_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
			serviceID, serviceID, maxErrors)
		if err != nil {
			return fmt.Errorf("trim errors: %w", err)
		}
		return nil
	}})
	if err != nil {
		s.log.Warn("error log entry dropped", "service_id", serviceID, "err", err)
	}
}

// Errors returns one page (from 1) of a service's error log, newest first,
// and the total number of entries.
func (s *Store) Errors(ctx context.Context, serviceID string, page, perPage int) ([]ErrorRecord, int, error) {
	var out []ErrorRecord
	var total int
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM errors WHERE service_id = ?`, serviceID).Scan(&total); err != nil {
			return fmt.Errorf("count errors: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT code, message, timestamp, context FROM errors
			WHERE service_id = ? ORDER BY id DESC LIMIT ? OFFSET ?`, serviceID, perPage, (page-1)*perPage)
		if err != nil {
			return fmt.Errorf("list errors: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e ErrorRecord
			var ts int64
			var c string
			if err := rows.Scan(&e.Code, &e.Message, &ts, &c); err != nil {
				return fmt.Errorf("list errors: %w", err)
			}
			e.Time = time.Unix(ts, 0).UTC()
			e.Context = json.RawMessage(c)
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, err // the writer may still be filling out
	}
	return out, total, nil
}

// DeleteErrors empties a service's error log.
func (s *Store) DeleteErrors(ctx context.Context, serviceID string) error {
	return s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM errors WHERE service_id = ?`, serviceID); err != nil {
			return fmt.Errorf("delete errors: %w", err)
		}
		return nil
	})
}

package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Portal sessions, as porta's user_sessions: a random key the browser
// holds in a cookie, naming a row with who signed in, to which portal,
// when, and whether the session was revoked. A session is valid while it
// is not revoked and was used within its time to live, on the sandbox
// clock.

// The portals a session belongs to.
const (
	PortalAdmin     = "admin"
	PortalDeveloper = "developer"
)

// Session is one signed-in browser.
type Session struct {
	Key        string
	ProviderID int64
	// UserID is the developer user; 0 for the provider's admin, who has no
	// user row.
	UserID     int64
	Portal     string
	CreatedAt  time.Time
	AccessedAt time.Time
	RevokedAt  *time.Time
}

// CreateSession stores a new session, created and accessed now.
func (t *Tx) CreateSession(s *Session) error {
	s.CreatedAt, s.AccessedAt, s.RevokedAt = t.Now, t.Now, nil
	_, err := t.execAside("create session", `INSERT INTO user_sessions (key, provider_id, user_id, portal,
		created_at, accessed_at) VALUES (?,?,?,?,?,?)`, s.Key, s.ProviderID, nullID(s.UserID), s.Portal,
		s.CreatedAt.Unix(), s.AccessedAt.Unix())
	return err
}

// TouchSession finds the valid session of portal with key, used within
// ttl of now, and marks it accessed now. It returns nil when there is
// none: unknown, of another portal, revoked or expired.
func (t *Tx) TouchSession(key, portal string, ttl time.Duration) (*Session, error) {
	s := &Session{}
	var user, revoked sql.NullInt64
	var created, accessed int64
	err := t.queryRow(`SELECT key, provider_id, user_id, portal, created_at, accessed_at, revoked_at
		FROM user_sessions WHERE key = ?`, key).Scan(&s.Key, &s.ProviderID, &user, &s.Portal, &created, &accessed,
		&revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	s.UserID, s.CreatedAt, s.AccessedAt, s.RevokedAt = user.Int64, unix(created), unix(accessed), optTime(revoked)
	if s.Portal != portal || s.RevokedAt != nil || !t.Now.Before(s.AccessedAt.Add(ttl)) {
		return nil, nil
	}
	if t.Now.Unix() > accessed {
		if _, err := t.execAside("touch session", `UPDATE user_sessions SET accessed_at = ? WHERE key = ?`,
			t.Now.Unix(), key); err != nil {
			return nil, err
		}
		s.AccessedAt = unix(t.Now.Unix())
	}
	return s, nil
}

// RevokeSession revokes a session (a logout); an unknown key is no error.
func (t *Tx) RevokeSession(key string) error {
	_, err := t.execAside("revoke session", `UPDATE user_sessions SET revoked_at = ? WHERE key = ?
		AND revoked_at IS NULL`, t.Now.Unix(), key)
	return err
}

// DeleteUserSessions deletes every session of a developer user, as porta
// does when it suspends one.
func (t *Tx) DeleteUserSessions(userID int64) error {
	_, err := t.execAside("delete user sessions", `DELETE FROM user_sessions WHERE user_id = ?`, userID)
	return err
}

// DeleteOtherUserSessions deletes every session of a user but the one
// whose key is keep, as porta does when a user changes their password.
func (t *Tx) DeleteOtherUserSessions(userID int64, keep string) error {
	_, err := t.execAside("delete user sessions", `DELETE FROM user_sessions WHERE user_id = ? AND key <> ?`,
		userID, keep)
	return err
}

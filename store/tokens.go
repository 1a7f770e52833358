package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// User tokens: the secrets of the links porta emails to a user, each of
// one kind, some with an expiry.

// The kinds of user tokens.
const (
	// TokenActivation is the code of the signup confirmation's link,
	// /activate/CODE; it does not expire.
	TokenActivation = "activation"
	// TokenPasswordReset is the token of the lost-password link; valid
	// for 24 hours.
	TokenPasswordReset = "password_reset"
)

// UserToken is one token of a user.
type UserToken struct {
	Token     string
	UserID    int64
	Kind      string
	CreatedAt time.Time
	ExpiresAt *time.Time // nil: never
}

// AddUserToken stores a token of a user, created now.
func (t *Tx) AddUserToken(tok *UserToken) error {
	tok.CreatedAt = t.Now
	_, err := t.execAside("add user token", `INSERT INTO user_tokens (token, user_id, kind, created_at, expires_at)
		VALUES (?,?,?,?,?)`, tok.Token, tok.UserID, tok.Kind, tok.CreatedAt.Unix(), nullTime(tok.ExpiresAt))
	return err
}

// UserToken finds a token of a kind that has not expired; nil when there
// is none.
func (t *Tx) UserToken(kind, token string) (*UserToken, error) {
	tok := &UserToken{}
	var created int64
	var expires sql.NullInt64
	err := t.queryRow(`SELECT token, user_id, kind, created_at, expires_at FROM user_tokens
		WHERE token = ? AND kind = ?`, token, kind).Scan(&tok.Token, &tok.UserID, &tok.Kind, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read user token: %w", err)
	}
	tok.CreatedAt, tok.ExpiresAt = unix(created), optTime(expires)
	if tok.ExpiresAt != nil && !t.Now.Before(*tok.ExpiresAt) {
		return nil, nil
	}
	return tok, nil
}

// DeleteUserTokens deletes a user's tokens of a kind (used, or replaced).
func (t *Tx) DeleteUserTokens(userID int64, kind string) error {
	_, err := t.execAside("delete user tokens", `DELETE FROM user_tokens WHERE user_id = ? AND kind = ?`,
		userID, kind)
	return err
}

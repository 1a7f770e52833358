package store

import (
	"context"
	"database/sql"
	"time"
)

// Invitation is an invitation to join a developer account: the invited
// email, the token of the link the email carries, when the email was sent
// and when it was accepted.
type Invitation struct {
	InvitationRecord
	Account *Account
}

// InvitationRecord is the stored row of an invitation.
type InvitationRecord struct {
	ID        int64
	AccountID int64
	Email     string
	// Token is porta's 32 hex characters, the path of the invitee's signup
	// link (/signup/TOKEN).
	Token      string
	SentAt     *time.Time // nil: not sent yet
	AcceptedAt *time.Time // nil: not accepted
	CreatedAt  time.Time
}

// Invitation finds an invitation by id.
func (c *Catalog) Invitation(id int64) *Invitation { return c.invitations[id] }

// InvitationByToken finds an invitation by the token of its link.
func (c *Catalog) InvitationByToken(token string) *Invitation { return c.invitationKeys[token] }

// SaveInvitation inserts (ID 0) or updates an invitation.
func (t *Tx) SaveInvitation(inv *InvitationRecord) error {
	if inv.CreatedAt.IsZero() {
		inv.CreatedAt = t.Now
	}
	args := []any{inv.AccountID, inv.Email, inv.Token, nullTime(inv.SentAt), nullTime(inv.AcceptedAt),
		inv.CreatedAt.Unix()}
	if inv.ID == 0 {
		id, err := t.insertID("insert invitation", `INSERT INTO invitations (account_id, email, token, sent_at,
			accepted_at, created_at) VALUES (?,?,?,?,?,?)`, args...)
		inv.ID = id
		return err
	}
	_, err := t.exec("update invitation", `UPDATE invitations SET account_id=?, email=?, token=?, sent_at=?,
		accepted_at=?, created_at=? WHERE id=?`, append(args, inv.ID)...)
	return err
}

// DeleteInvitation deletes an invitation.
func (t *Tx) DeleteInvitation(id int64) error {
	_, err := t.exec("delete invitation", `DELETE FROM invitations WHERE id=?`, id)
	return err
}

// loadInvitations reads the invitations into their accounts.
func loadInvitations(ctx context.Context, q querier, c *Catalog) error {
	return scanAll(ctx, q, `SELECT id, account_id, email, token, sent_at, accepted_at, created_at
		FROM invitations ORDER BY id`, func(r *sql.Rows) error {
		inv := &Invitation{}
		var sent, accepted sql.NullInt64
		var created int64
		if err := r.Scan(&inv.ID, &inv.AccountID, &inv.Email, &inv.Token, &sent, &accepted, &created); err != nil {
			return err
		}
		inv.SentAt, inv.AcceptedAt, inv.CreatedAt = optTime(sent), optTime(accepted), unix(created)
		inv.Account = c.accounts[inv.AccountID]
		inv.Account.Invitations = append(inv.Account.Invitations, inv)
		c.invitations[inv.ID] = inv
		return nil
	})
}

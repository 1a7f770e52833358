package store

import (
	"database/sql"
	"time"
)

// Invitation is an invitation to join a developer account
// (Catalog.Account(AccountID)): the invited email, the token of the link
// the email carries, when the email was sent and when it was accepted. An
// account's invitations are read with it: a change to one is a change of
// its account.
type Invitation struct {
	InvitationRecord
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

const invitationColumns = `id, account_id, email, token, sent_at, accepted_at, created_at`

func scanInvitation(r rowScanner) (*Invitation, error) {
	inv := &Invitation{}
	var sent, accepted sql.NullInt64
	var created int64
	if err := r.Scan(&inv.ID, &inv.AccountID, &inv.Email, &inv.Token, &sent, &accepted, &created); err != nil {
		return nil, err
	}
	inv.SentAt, inv.AcceptedAt, inv.CreatedAt = optTime(sent), optTime(accepted), unix(created)
	return inv, nil
}

// Invitation finds an invitation by id.
func (c *Catalog) Invitation(id int64) *Invitation { inv, _ := c.invitations.get(id); return inv }

// InvitationByToken finds an invitation by the token of its link.
func (c *Catalog) InvitationByToken(token string) *Invitation {
	inv, _ := c.invitationKeys.get(token)
	return inv
}

// SaveInvitation inserts (ID 0) or updates an invitation.
func (t *Tx) SaveInvitation(inv *InvitationRecord) error {
	if inv.CreatedAt.IsZero() {
		inv.CreatedAt = t.Now
	}
	t.changedAccount(inv.AccountID)
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

// DeleteInvitation deletes an invitation of an account.
func (t *Tx) DeleteInvitation(accountID, id int64) error {
	t.changedAccount(accountID)
	_, err := t.exec("delete invitation", `DELETE FROM invitations WHERE id=? AND account_id=?`, id, accountID)
	return err
}

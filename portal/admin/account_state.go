package admin

import (
	"context"
	"fmt"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// accountOp is an account's state change.
type accountOp = func(context.Context, porta.Actor, int64) (*store.Account, error)

// accountState is POST /buyers/accounts/{id}/approve (reject, suspend,
// resume): the account page with porta's "Developer account was
// approved", or "Cannot approve developer account" when its state does
// not allow it.
func (pg *pages) accountState(event string, op func(*porta.Domain) accountOp) web.Action {
	past := map[string]string{"approve": "approved", "reject": "rejected", "suspend": "suspended", "resume": "resumed"}[event]
	return func(p *web.Page) error {
		acc, err := account(p)
		if err != nil {
			return err
		}
		back := fmt.Sprintf("/buyers/accounts/%d", acc.ID)
		_, err = op(p.Domain())(p.Context(), p.Actor(), acc.ID)
		if _, refused := porta.Refusal(err); refused {
			return p.Redirect(back, web.Error("Cannot "+event+" developer account"))
		}
		if err != nil {
			return err
		}
		return p.Redirect(back, web.Notice("Developer account was "+past))
	}
}

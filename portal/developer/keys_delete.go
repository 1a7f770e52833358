package developer

import (
	"errors"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// keysDelete is DELETE /admin/applications/{id}/keys/{key}: the key is
// deleted, unless it is the last one of a service that requires one
// (porta's "One application key minimum is required.").
func (pg *pages) keysDelete(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	_, err = p.Domain().RemoveKey(p.Context(), p.Actor(), appRef(app.ID), p.Request().PathValue("key"))
	if errors.Is(err, porta.ErrLastKey) {
		return p.Redirect(appPath(app.ID), web.Error("One application key minimum is required."))
	}
	if err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID), web.Notice("Application key was deleted."))
}

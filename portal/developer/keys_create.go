package developer

import (
	"errors"
	"fmt"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// keysCreate is POST /admin/applications/{id}/keys: a new random
// application key ("Create new key"), or the one given as key, where the
// service lets developers manage keys (403 otherwise). Past the limit:
// porta's "At most N keys are allowed.".
func (pg *pages) keysCreate(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	_, err = p.Domain().CreateKey(p.Context(), p.Actor(), appRef(app.ID), p.Form.Ptr("key"))
	var v *porta.ValidationError
	if errors.As(err, &v) {
		text := v.Error()
		if len(v.On("base")) > 0 {
			text = fmt.Sprintf("At most %d keys are allowed.", porta.KeysLimit(app.Service))
		}
		return p.Redirect(appPath(app.ID), web.Error(text))
	}
	if err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID), web.Notice("Application key was created."))
}

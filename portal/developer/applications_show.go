package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// applicationView is an application's page.
type applicationView struct {
	App store.LinkedApplication
	Can porta.Can
	// Keys are its application keys with their paths.
	Keys []keyView
	// KeysLimit is porta's "At most N keys are allowed.".
	KeysLimit int
	// Fields are the defined fields that have a value.
	Fields []fieldValue
}

type keyView struct{ Value, Path string }

type fieldValue struct{ Label, Value string }

// applicationsShow is GET /admin/applications/{id}: porta's application
// page: name, description, plan (Review/Change where it may change), the
// state (pending: the awaiting-approval text; suspended: Suspended), and
// the credentials by the service's authentication mode, with the buttons
// the service's switches allow.
func (pg *pages) applicationsShow(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	v := applicationView{App: app, Can: porta.DeveloperCan(app), KeysLimit: porta.KeysLimit(app.Service)}
	for _, k := range app.Keys {
		v.Keys = append(v.Keys, keyView{Value: k.Value, Path: keyPath(app.ID, k.Value)})
	}
	values := fieldValues(app.ExtraFields)
	for _, f := range definedFields("application", p.Provider().ApplicationFields) {
		if val := values[f.Field]; val != "" {
			v.Fields = append(v.Fields, fieldValue{Label: f.Label, Value: val})
		}
	}
	return p.Render("application", v)
}

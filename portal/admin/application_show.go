package admin

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// applicationView is porta's application page: details and state,
// API Credentials by the service's authentication mode, the plan card and
// the Change plan card.
type applicationView struct {
	store.LinkedApplication
	Fields []definedField
	// Mode is the service's: "1" (user_key), "2" (app_id and keys) or
	// "oauth".
	Mode string
	// CanAddKey is porta's can_add? (under the keys limit); CanDeleteKey
	// its can_delete_key? (not the only key the service requires).
	CanAddKey, CanDeleteKey bool
	// KeyRows are the application keys with their paths.
	KeyRows []keyRow
	// UserKeyPath is the custom user key form's, UserKeyAction where it
	// posts.
	UserKeyPath, UserKeyAction string
	// OtherPlans are the stock plans of the service the application may
	// change to (porta's Change plan card).
	OtherPlans []option
}

// application finds the application of the path's id, with its owners.
func application(p *web.Page) (store.LinkedApplication, error) {
	id, err := p.ID("id")
	if err != nil {
		return store.LinkedApplication{}, err
	}
	cat := p.Catalog()
	app, err := porta.Application(cat, p.Actor(), porta.AppRef{ID: id})
	if err != nil {
		return store.LinkedApplication{}, err
	}
	return cat.LinkApplication(app), nil
}

// applicationShow is GET /p/admin/applications/{id}.
func (pg *pages) applicationShow(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	return p.Render("application", newApplicationView(app))
}

func newApplicationView(app store.LinkedApplication) applicationView {
	svc := app.Service
	v := applicationView{LinkedApplication: app, Mode: svc.BackendVersion,
		Fields:       definedFields("cinstance", app.Provider.ApplicationFields, nil, nil, app.ExtraFields),
		CanAddKey:    len(app.Keys) < keysLimit(svc),
		CanDeleteKey: !(svc.BackendVersion == "2" && svc.MandatoryAppKey) || len(app.Keys) > 1,
	}
	for _, k := range app.Keys {
		v.KeyRows = append(v.KeyRows, keyRow{Value: k.Value,
			Path: fmt.Sprintf("/p/admin/applications/%d/keys/%s", app.ID, url.PathEscape(k.Value))})
	}
	v.UserKeyAction = fmt.Sprintf("/p/admin/applications/%d/keys/%s", app.ID, url.PathEscape(app.UserKey))
	v.UserKeyPath = v.UserKeyAction + "/edit"
	for _, pl := range stockPlans(svc.Plans) {
		if pl.ID != app.PlanID {
			v.OtherPlans = append(v.OtherPlans, option{Value: strconv.FormatInt(pl.ID, 10), Label: pl.Name})
		}
	}
	return v
}

// keyRow is an application key and its path.
type keyRow struct{ Value, Path string }

// keysLimit is porta's keys_limit: one client secret on OAuth services,
// five keys on the others.
func keysLimit(s *store.Service) int {
	if s.BackendVersion == "oauth" {
		return 1
	}
	return 5
}

package admin

import (
	"errors"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// An application's keys in the API Credentials card: porta's
// Provider::Admin::KeysController and change_user_key, with the forms
// its modals hold as pages.

// porta's hints, appended to a key's validation error.
const (
	userKeyHint = "Allowed characters: A-Z a-z 0-9 - _ . or Base64 format without forward slash (/), no spaces and up to 256 characters."
	appKeyHint  = "Allowed characters: A-Z a-z 0-9 ! \" # $ % & ' ( ) * + , - . / : ; < = > ? @ [ \\ ] ^ _ ` { | } ~ , no spaces and between 5 and 255 characters."
)

// userKeyChange is PUT /p/admin/applications/{id}/change_user_key:
// "Regenerate", a new random user key.
func (pg *pages) userKeyChange(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	if _, err := p.Domain().ChangeUserKey(p.Context(), p.Actor(), porta.AppRef{ID: app.ID}); err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID), web.Notice("The key was successfully changed"))
}

// userKeyEdit is GET /p/admin/applications/{id}/keys/{key}/edit: "Set a
// custom User Key", on services with custom keys enabled.
func (pg *pages) userKeyEdit(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	if !app.Service.CustomKeysEnabled || app.Service.BackendVersion != "1" {
		return porta.ErrNotFound
	}
	return p.Render("user_key_edit", newApplicationView(app))
}

// userKeyUpdate is PUT /p/admin/applications/{id}/keys/{key}:
// cinstance[user_key].
func (pg *pages) userKeyUpdate(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	_, err = p.Domain().SetUserKey(p.Context(), p.Actor(), porta.AppRef{ID: app.ID}, p.Form.Get("cinstance[user_key]"))
	var v *porta.ValidationError
	if errors.As(err, &v) {
		for _, msg := range v.Problems {
			p.Form.Fail("cinstance[user_key]", msg.Message)
		}
		p.Form.Fail("", v.Error()+". "+userKeyHint)
		return p.RenderStatus(http.StatusUnprocessableEntity, "user_key_edit", newApplicationView(app))
	}
	if err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID), web.Notice("User key has been updated"))
}

// keyNew is GET /p/admin/applications/{id}/keys/new: "Add Custom key".
func (pg *pages) keyNew(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	if !app.Service.CustomKeysEnabled || app.Service.BackendVersion == "1" {
		return porta.ErrNotFound
	}
	return p.Render("key_new", newApplicationView(app))
}

// keyCreate is POST /p/admin/applications/{id}/keys: "Add Random key",
// or the custom key of key.
func (pg *pages) keyCreate(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	if app.Service.BackendVersion == "1" {
		return porta.ErrNotFound // user_key applications have no keys
	}
	value := p.Form.Ptr("key")
	if value != nil && *value == "" {
		value = nil // porta's add(nil): a random key
	}
	_, err = p.Domain().CreateKey(p.Context(), p.Actor(), porta.AppRef{ID: app.ID}, value)
	var v *porta.ValidationError
	if errors.As(err, &v) {
		msg := v.Error() + ". " + appKeyHint
		if value == nil {
			return p.Redirect(appPath(app.ID), web.Error(msg))
		}
		p.Form.Fail("key", v.Error())
		p.Form.Fail("", msg)
		return p.RenderStatus(http.StatusUnprocessableEntity, "key_new", newApplicationView(app))
	}
	if err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID), web.Notice("A new key has been added"))
}

// keyDestroy is DELETE /p/admin/applications/{id}/keys/{key}: not the
// only key of a service that requires one.
func (pg *pages) keyDestroy(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	_, err = p.Domain().RemoveKey(p.Context(), p.Actor(), porta.AppRef{ID: app.ID}, p.Request().PathValue("key"))
	if errors.Is(err, porta.ErrLastKey) {
		return p.Redirect(appPath(app.ID), web.Error("At least one application key is required"))
	}
	if err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID), web.Notice("The key has been removed"))
}

// keyRegenerate is PUT /p/admin/applications/{id}/keys/{key}/regenerate:
// an OAuth application's new client secret (porta answers it with no
// flash: the card shows the new secret).
func (pg *pages) keyRegenerate(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	if _, err := p.Domain().RegenerateKey(p.Context(), p.Actor(), porta.AppRef{ID: app.ID}, p.Request().PathValue("key")); err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID))
}

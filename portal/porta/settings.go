package porta

import (
	"context"
	"regexp"
	"slices"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// A provider's settings: the developer portal's switches, the webhooks,
// and the webhook deliveries that failed.

// SettingsInput is what a provider gives of its settings; nil is not
// given.
type SettingsInput struct {
	UserAccountAreaEnabled, HideService, SignupsEnabled, PublicSearch *bool
	AccountPlansUIVisible, ServicePlansUIVisible, EnforceSSO          *bool
	// The plan change permissions: request, none, credit_card,
	// request_credit_card or direct.
	ChangeAccountPlanPermission, ChangeServicePlanPermission *string
	// AccountApprovalRequired is the default account plan's
	// approval_required.
	AccountApprovalRequired *bool
}

var planPermissions = []string{"request", "none", "credit_card", "request_credit_card", "direct"}

// changeProvider runs fn, as the provider, on a copy of the provider's
// record, which it then saves; it returns the provider as saved.
func changeProvider(ctx context.Context, d *Domain, a Actor, fn func(t *tx, prov *store.Provider, rec *store.ProviderRecord) error) (*store.Provider, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return change(ctx, d, a, func(t *tx) (*store.Provider, error) {
		prov, err := t.provider()
		if err != nil {
			return nil, err
		}
		rec := prov.ProviderRecord
		if err := fn(t, prov, &rec); err != nil {
			return nil, err
		}
		if err := t.SaveProvider(&rec); err != nil {
			return nil, err
		}
		return t.provider()
	})
}

// UpdateSettings changes a provider's settings.
func (d *Domain) UpdateSettings(ctx context.Context, a Actor, in SettingsInput) (*store.Provider, error) {
	return changeProvider(ctx, d, a, func(t *tx, prov *store.Provider, rec *store.ProviderRecord) error {
		st := &rec.Settings
		set(&st.UserAccountAreaEnabled, in.UserAccountAreaEnabled)
		set(&st.HideService, in.HideService)
		set(&st.SignupsEnabled, in.SignupsEnabled)
		set(&st.PublicSearch, in.PublicSearch)
		set(&st.AccountPlansUIVisible, in.AccountPlansUIVisible)
		set(&st.ServicePlansUIVisible, in.ServicePlansUIVisible)
		set(&st.EnforceSSO, in.EnforceSSO)
		var errs problems
		for _, f := range []struct {
			name string
			v    *string
			to   *string
		}{{"change_account_plan_permission", in.ChangeAccountPlanPermission, &st.ChangeAccountPlanPermission},
			{"change_service_plan_permission", in.ChangeServicePlanPermission, &st.ChangeServicePlanPermission}} {
			if f.v != nil {
				if !slices.Contains(planPermissions, *f.v) {
					errs.add(f.name, "is not included in the list", "is not included in the list")
				}
				*f.to = *f.v
			}
		}
		if st.EnforceSSO {
			return fail("enforce_sso", "Password-based authentication could not be disabled. No published authentication providers.",
				"Password-based authentication could not be disabled. No published authentication providers.")
		}
		if err := errs.err(); err != nil {
			return err
		}
		if pl := prov.DefaultAccountPlan(); pl != nil && in.AccountApprovalRequired != nil {
			prec := pl.PlanRecord
			prec.ApprovalRequired = *in.AccountApprovalRequired
			return t.SavePlan(&prec)
		}
		return nil
	})
}

// WebhookEvents are porta's 16 webhook events, in the order of the
// web_hooks table's switches.
var WebhookEvents = []string{"account_created", "account_updated", "account_deleted", "user_created",
	"user_updated", "user_deleted", "application_created", "application_updated", "application_deleted",
	"account_plan_changed", "application_plan_changed", "application_user_key_updated",
	"application_key_created", "application_key_deleted", "application_suspended", "application_key_updated"}

// WebhooksInput is what a provider gives of its webhooks; nil is not
// given.
type WebhooksInput struct {
	URL                     *string
	Active, ProviderActions *bool
	// Events switch events of WebhookEvents on (true) or off.
	Events map[string]bool
}

// webhookURL is what porta's URI regexp for http and https accepts: the
// URL need only contain one.
var webhookURL = regexp.MustCompile(`(?i)https?://[^\s/?#]+`)

// UpdateWebhooks changes a provider's webhooks. An active webhook needs an
// http or https URL.
func (d *Domain) UpdateWebhooks(ctx context.Context, a Actor, in WebhooksInput) (*store.Provider, error) {
	return changeProvider(ctx, d, a, func(t *tx, _ *store.Provider, rec *store.ProviderRecord) error {
		w := &rec.Webhooks
		setTrimmed(&w.URL, in.URL)
		set(&w.Active, in.Active)
		set(&w.ProviderActions, in.ProviderActions)
		// porta's switch order, whatever order they were switched on in.
		var events []string
		for _, e := range WebhookEvents {
			on, given := in.Events[e]
			if (given && on) || (!given && slices.Contains(w.Events, e)) {
				events = append(events, e)
			}
		}
		w.Events = events
		if w.Active && !webhookURL.MatchString(w.URL) {
			return fail("url", "Must be a valid URL such as http://example.com", "Url Must be a valid URL such as http://example.com")
		}
		if len(w.URL) > 255 {
			return fail("url", "is too long (maximum is 255 characters)", "Url is too long (maximum is 255 characters)")
		}
		return nil
	})
}

// Failures are the provider's webhook deliveries that failed for good,
// oldest first.
func (d *Domain) Failures(ctx context.Context, a Actor) ([]store.Failure, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return d.store.Failures(ctx, a.Provider.ID)
}

// DeleteFailures forgets the provider's failed deliveries: all of them,
// or the oldest ones up to upTo.
func (d *Domain) DeleteFailures(ctx context.Context, a Actor, upTo *time.Time) error {
	if err := a.forProvider(); err != nil {
		return err
	}
	return d.store.DeleteFailures(ctx, a.Provider.ID, upTo)
}

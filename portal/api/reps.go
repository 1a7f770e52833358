package api

import (
	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/portal/jsonrep"
	"github.com/threescale-sandbox/threescale-sandbox/portal/xmlrep"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// rep writes one kind of answer in porta's two formats: the model's
// to_xml (portal/xmlrep) and its JSON representer (portal/jsonrep).
type rep[T any] struct {
	xml  xmlrep.Writer[T]
	json func(jsonrep.Links, *store.Catalog, T) jsonrep.Object
}

// The answers of the endpoints.
var (
	accountRep     = rep[*store.Account]{xmlrep.Account, jsonrep.Account}
	signupRep      = rep[*store.Account]{xmlrep.SignupAccount, jsonrep.Account}
	userRep        = rep[*store.User]{xmlrep.User, jsonrep.User}
	applicationRep = rep[*store.Application]{xmlrep.Application, jsonrep.Application}
	keysRep        = rep[*store.Application]{xmlrep.Keys, jsonrep.Keys}
	filtersRep     = rep[*store.Application]{xmlrep.ReferrerFilters, jsonrep.ReferrerFilters}
	planRep        = rep[*store.Plan]{xmlrep.Plan, jsonrep.Plan}
	serviceRep     = rep[*store.Service]{xmlrep.Service, jsonrep.Service}
	metricRep      = rep[*store.Metric]{xmlrep.Metric, jsonrep.Metric}
	methodRep      = rep[*store.Metric]{xmlrep.Metric, jsonrep.Method}
	limitRep       = rep[store.Limit]{xmlrep.Limit, jsonrep.Limit}
	messageRep     = rep[*store.Message]{xmlrep.Message, jsonrep.Message}
	// applicationPlanRep is an application's plan, which porta's plan
	// changes answer with.
	applicationPlanRep = rep[*store.Application]{
		func(d *builderxml.Doc, cat *store.Catalog, a *store.Application) {
			xmlrep.Plan(d, cat, cat.Plan(a.PlanID))
		},
		func(l jsonrep.Links, cat *store.Catalog, a *store.Application) jsonrep.Object {
			return jsonrep.ApplicationPlan(l, cat, cat.Plan(a.PlanID))
		}}
	// accountPlanRep is an account's plan (its change_plan's answer).
	accountPlanRep = rep[*store.Account]{
		func(d *builderxml.Doc, cat *store.Catalog, a *store.Account) { xmlrep.Plan(d, cat, cat.Plan(a.PlanID)) },
		func(l jsonrep.Links, cat *store.Catalog, a *store.Account) jsonrep.Object {
			return jsonrep.AccountPlan(l, cat, cat.Plan(a.PlanID))
		}}
)

// links are the call's base for porta's JSON links.
func (c *Call) links() jsonrep.Links { return jsonrep.Links{Base: c.BaseURL} }

// represent answers v, read from cat, with status in the call's format.
func represent[T any](c *Call, status int, cat *store.Catalog, v T, r rep[T]) *Reply {
	if c.Format == "json" {
		return jsonReply(status, r.json(c.links(), cat, v).Bytes())
	}
	return xmlReply(status, xmlrep.Doc(r.xml, cat, v).Bytes())
}

// The answers of the service subscriptions endpoints, JSON only in porta
// (the routes constrain the format to json).
var (
	subscriptionRep = rep[*store.ServiceContract]{nil, jsonrep.ServiceSubscription}
	// subscriptionPlanRep is a subscription's plan, its change_plan's
	// answer (ServicePlanRepresenter).
	subscriptionPlanRep = rep[*store.ServiceContract]{nil,
		func(l jsonrep.Links, cat *store.Catalog, c *store.ServiceContract) jsonrep.Object {
			return jsonrep.ServicePlan(l, cat, cat.Plan(c.PlanID))
		}}
)

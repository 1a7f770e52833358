package server

import "testing"

// Wrapped parameters as Rails' ParamsWrapper and porta's controllers read
// them (issue 10 item 13): a form or JSON body is wrapped into
// params[:metric] (its metric attributes only, never the query's), unless
// params[:metric] is given; MetricParams fetches it (an empty one reaches
// the validations), the plan and service controllers require it (an
// empty one is missing).
func TestAMWrappedParameters(t *testing.T) {
	s := amSandbox(t)
	methods := "/admin/api/services/100/metrics/1/methods.xml"
	expect(t, "empty form", s.am("POST", methods, rw), 422, xmlDecl+`<errors><error>Friendly name can't be blank</error></errors>`)
	expect(t, "no body", s.call("POST", methods+"?"+rw, ""), 400, "Required parameter missing: metric",
		"Content-Type: text/plain; charset=utf-8")
	expect(t, "query is not wrapped", s.am("POST", methods+"?friendly_name=Q", rw), 422,
		xmlDecl+`<errors><error>Friendly name can't be blank</error></errors>`)
	expect(t, "wrong type", s.am("POST", methods, rw+"&metric=5"), 422, "Wrong type for parameter: metric",
		"Content-Type: application/xml; charset=utf-8")
	expectIn(t, "JSON body wrapped", s.call("POST", methods+"?"+rw, `{"friendly_name":"From JSON","unit":"ignored"}`,
		"Content-Type: application/json").body, "<friendly_name>From JSON</friendly_name>")
	expectIn(t, "given wrapper wins", s.am("POST", methods, rw+"&metric[friendly_name]=Wrapped&friendly_name=Flat").body,
		"<friendly_name>Wrapped</friendly_name>")
	expect(t, "metric update, empty form", s.am("PUT", "/admin/api/services/100/metrics/1.xml", rw), 200,
		s.get("/admin/api/services/100/metrics/1.xml?"+rw).body)
	expect(t, "limit, empty form", s.am("POST", "/admin/api/application_plans/3/metrics/1/limits.xml", rw), 422,
		xmlDecl+`<errors><error>Period is invalid</error></errors>`)

	plans := "/admin/api/services/100/application_plans.xml"
	expect(t, "plan, empty form", s.am("POST", plans, rw), 400, "Required parameter missing: application_plan")
	expect(t, "plan, query only", s.am("POST", plans+"?name=Q", rw), 400, "Required parameter missing: application_plan")
	expect(t, "plan, empty wrapper", s.am("POST", plans, rw+"&application_plan[]="), 422,
		"Wrong type for parameter: application_plan")
	expectIn(t, "plan, flat beside a wrapper is ignored", s.am("POST", plans, rw+"&application_plan[name]=Mixed&setup_fee=5").body,
		"<name>Mixed</name>", "<setup_fee>0.0</setup_fee>")
	expect(t, "service, empty form", s.am("PUT", "/admin/api/services/100.xml", rw), 400, "Required parameter missing: service")
	expect(t, "unknown service first", s.am("PUT", "/admin/api/services/999.xml", rw), 404, "")
}

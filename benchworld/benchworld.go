// Package benchworld generates the fixture of a world of n applications
// that the load test serves and the start-up benchmarks load: 2
// applications per account, each account with one user, on a plan whose
// limits (in several periods, so that every check runs) no run reaches.
package benchworld

import (
	"fmt"
	"strings"
)

// Query is the query string (without "?") of the credentials of the i-th
// application (from 1) and a usage of its search metric.
func Query(i int) string {
	return fmt.Sprintf("provider_key=bench-key&service_id=1&app_id=app-%d&app_key=key-%d&usage%%5Bsearch%%5D=1", i, i)
}

// YAML is the fixture of a world of n applications (app-1, app-2, …, with
// keys key-1, …; users dev1, … with passwords pw-1, …) of the provider
// whose key is bench-key and whose access token is bench-token.
func YAML(n int) string {
	var b strings.Builder
	b.Grow(140 * n)
	b.WriteString(`version: 1
providers:
  - name: Bench
    provider_key: bench-key
    access_token: bench-token
    services:
      - id: "1"
        name: Bench API
        metrics:
          - {name: hits}
          - {name: search, parent: hits}
        application_plans:
          - name: Unlimited
            system_name: unlimited
            limits:
              hits: {day: 1000000000000, minute: 1000000000000}
              search: {month: 1000000000000}
    accounts:
`)
	for a := 1; 2*a-1 <= n; a++ {
		fmt.Fprintf(&b, "      - org_name: Dev %d\n", a)
		fmt.Fprintf(&b, "        users: [{username: dev%d, email: dev%d@bench.example.com, password: pw-%d}]\n", a, a, a)
		b.WriteString("        applications:\n")
		for i := 2*a - 1; i <= 2*a && i <= n; i++ {
			fmt.Fprintf(&b, "          - {name: App %d, app_id: app-%d, app_keys: [key-%d]}\n", i, i, i)
		}
	}
	return b.String()
}

module github.com/threescale-sandbox/threescale-sandbox/docs/examples/go-client

go 1.22

require github.com/3scale/3scale-go-client v0.5.1

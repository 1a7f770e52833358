//go:build !unix

package connlimit

// fileLimit is unknown here: Default falls back to its ceiling.
func fileLimit() uint64 { return 0 }
